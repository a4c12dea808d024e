# tests/report/fixture.sh — builds the fixed patient of the report tests
# through the command line (sourced after tests/lib.sh). RPT-1 is bilateral:
# the left hip has a complication, a missed 6-month visit, an amended VAS and
# a 24-month visit due "today" (with the patient's satisfaction already in);
# the right hip has a missed visit, an
# unscheduled visit and a conversion to hip replacement (THA), after which
# its follow-up has ended. Today is pinned to 2026-06-15 (lib.sh).

# Answer sets of the Harris Hip Score, from poor to excellent.
RPT_DEFORMITY=(flexion_contracture_lt30=yes adduction_lt10=yes internal_rotation_lt10=yes
    limb_length_lt32=yes)
RPT_HHS_POOR=(pain=moderate limp=moderate support=cane_most distance=two_three_blocks
    stairs=any_manner shoes_socks=difficulty sitting=high_chair public_transport=able
    "${RPT_DEFORMITY[@]}" flexion=70 abduction=10 adduction=10 external_rotation=10
    internal_rotation=5)
RPT_HHS_WORSE=(pain=marked limp=severe support=two_canes distance=indoors stairs=unable
    shoes_socks=unable sitting=high_chair public_transport=unable
    "${RPT_DEFORMITY[@]}" flexion=60 abduction=5 adduction=5 external_rotation=5
    internal_rotation=0)
RPT_HHS_FAIR=(pain=mild limp=slight support=cane_long_walks distance=six_blocks
    stairs=railing shoes_socks=ease sitting=ordinary_chair public_transport=able
    "${RPT_DEFORMITY[@]}" flexion=90 abduction=15 adduction=10 external_rotation=10
    internal_rotation=5)
RPT_HHS_GOOD=(pain=slight limp=none support=none distance=unlimited stairs=normal
    shoes_socks=ease sitting=ordinary_chair public_transport=able
    "${RPT_DEFORMITY[@]}" flexion=100 abduction=20 adduction=15 external_rotation=15
    internal_rotation=10)

# rpt MRN ARGS... — one setup command; a failure fails the test loudly.
rpt() {
    bs "$@"
    [ "$rc" = 0 ] || fail "setup: bedside $*: exit $rc"
}

# rpt_patient MRN NAME — the whole history of the fixed patient.
rpt_patient() {
    local m=$1
    rpt patient add "$m" --name "$2" --sex F --born 1968-04-12
    rpt hip add "$m" --side L --index-date 2024-06-01 etiology=idiopathic \
        stage_system=steinberg stage=II involvement=25
    rpt hip add "$m" --side R --index-date 2025-01-15 etiology=corticosteroid \
        stage_system=steinberg stage=III involvement=40

    # Left hip.
    rpt record "$m" --form vas --hip L --date 2024-06-01 pain=7.8
    rpt record "$m" --form hhs --hip L --date 2024-06-01 "${RPT_HHS_POOR[@]}"
    rpt record "$m" --form mri --hip L --date 2024-06-01 stage=ii involvement=25 \
        edema=unchanged crescent_sign=no collapse_gt2mm=no judgement=stable
    rpt record "$m" --form procedure --hip L --date 2024-06-01 core_decompression=yes \
        injection_number=1 aspirated_ml=120 concentrate_ml=20 viability_pct=96.5
    rpt record "$m" --form vas --hip L --date 2024-07-01 pain=6.0
    rpt record "$m" --form hhs --hip L --date 2024-07-01 "${RPT_HHS_POOR[@]}"
    rpt record "$m" --form complications --hip L --date 2024-07-01 events=hematoma \
        grade=i "action=compression dressing"
    rpt record "$m" --form vas --hip L --date 2024-08-31 pain=4.5
    rpt record "$m" --form hhs --hip L --date 2024-08-31 "${RPT_HHS_FAIR[@]}"
    rpt record "$m" --form complications --hip L --date 2024-08-31 events=none
    rpt record "$m" --form procedure --hip L --date 2024-08-31 core_decompression=no \
        injection_number=2 aspirated_ml=100 concentrate_ml=18
    # 6 months (2024-11-30 +-21 days): missed.
    rpt record "$m" --form vas --hip L --date 2025-06-01 pain=2.0
    local vas12
    vas12=$(sed -n 's/^bedside: saved record \([0-9a-f]*\).*/\1/p' "$T/err")
    rpt record "$m" --form hhs --hip L --date 2025-06-01 "${RPT_HHS_GOOD[@]}"
    rpt record "$m" --form complications --hip L --date 2025-06-01 events=none
    rpt record "$m" --form mri --hip L --date 2025-06-01 stage=ii involvement=15 \
        edema=decreased crescent_sign=no collapse_gt2mm=no judgement=improved
    rpt amend "$vas12" --reason "transcription error" pain=2.5
    rpt record "$m" --form vas --hip L --date 2025-12-01 pain=1.8
    rpt record "$m" --form hhs --hip L --date 2025-12-01 "${RPT_HHS_GOOD[@]}"
    # 24 months (2026-06-01 +-30 days): due today; only the patient-scope
    # satisfaction form is in.
    rpt record "$m" --form satisfaction --date 2026-06-10 rating=satisfied

    # Right hip.
    rpt record "$m" --form vas --hip R --date 2025-01-15 pain=8.5
    rpt record "$m" --form hhs --hip R --date 2025-01-15 "${RPT_HHS_POOR[@]}"
    rpt record "$m" --form mri --hip R --date 2025-01-15 stage=iii involvement=40 \
        edema=increased crescent_sign=yes collapse_gt2mm=no judgement=stable
    rpt record "$m" --form procedure --hip R --date 2025-01-15 core_decompression=yes \
        injection_number=1 aspirated_ml=110 concentrate_ml=19
    rpt record "$m" --form vas --hip R --date 2025-02-14 pain=8.0
    rpt record "$m" --form hhs --hip R --date 2025-02-14 "${RPT_HHS_WORSE[@]}"
    rpt record "$m" --form complications --hip R --date 2025-02-14 events=none
    # 3 months (2025-04-16 +-14 days): missed.
    rpt record "$m" --form vas --hip R --timepoint unscheduled --date 2025-05-20 pain=9.0
    rpt record "$m" --form tha --hip R --timepoint unscheduled --date 2025-06-10 \
        tha_date=2025-06-10 reason=collapse
}
