#!/usr/bin/env bash
# global.sh — global options, --help and --version, usage errors (exit 2),
# where the configuration, forms and database come from, and databases
# that are missing or not bedside's, for every subcommand.
. "$(dirname "$0")/../lib.sh"

bs --version
expect_rc 0 "--version"
expect_same "$(cat "$T/out")" "bedside 0.1.0" "--version prints the version"
bs --help
expect_rc 0 "--help"
for c in patient hip record amend void enter show print due export drafts history backup check demo forms; do
    grep -qE "^  $c " "$T/out" && ok || fail "--help lists $c"
done
expect_same "$(db_sum)" none "--help opens no database"

bs frobnicate
expect_rc 2 "unknown command"
expect_err "^bedside: unknown command 'frobnicate'" "names the command"
bs --frob patient list
expect_rc 2 "unknown global option"
expect_err "^bedside: unknown option '--frob'" "names the option"
expect_err "^usage: bedside" "prints the usage on stderr"
bs --db
expect_rc 2 "--db without a value"
expect_err "needs a value" "says a value is missing"
"$BEDSIDE" --today 2026-02-29 patient list >"$T/out" 2>"$T/err"
rc=$?
expect_rc 2 "--today with an impossible date"
expect_err "^bedside: --today: '2026-02-29' is not a date" "names the value"

# Every subcommand: --help on stdout, exit 0, no database needed or made.
for c in patient hip record amend void enter show print due export drafts history backup check demo forms; do
    "$BEDSIDE" --db "$T/none.db" "$c" --help >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "$c --help"
    grep -qi "usage" "$T/out" && ok || fail "$c --help prints a usage on stdout"
    [ ! -e "$T/none.db" ] && ok || { fail "$c --help created a database"; rm -f "$T/none.db"; }
done

# Commands that only read refuse a missing database and never create one.
for args in "patient list" "due" "export csv" "drafts" "history X1" "check" "backup $T/b.db" \
    "show X1" "record X1 --form vas --hip L pain=1" "hip add X1 --side L --index-date 2026-01-01" \
    "amend 12345678 --reason r pain=1" "void 12345678 --reason r"; do
    bs --db "$T/none.db" $args
    expect_rc 1 "$args without a database"
    expect_err "none\.db: no such database" "$args names the missing database"
    [ ! -e "$T/none.db" ] && ok || { fail "$args created a database"; rm -f "$T/none.db"; }
done

# A file that is not a bedside database: refused by every command, unchanged.
printf 'name,value\nx,1\n' >"$T/data.csv"
sum=$(md5sum <"$T/data.csv")
for args in "patient list" "patient add X1 --name A --sex F --born 1970-01-01" "due" "export csv" \
    "drafts" "history X1" "check" "show X1" "record X1 --form vas --hip L pain=1"; do
    bs --db "$T/data.csv" $args
    expect_rc 1 "$args on a CSV file"
    expect_err "^bedside: .*data\.csv" "$args names the file"
done
expect_same "$(md5sum <"$T/data.csv")" "$sum" "the foreign file is unchanged"

# --- where things come from --------------------------------------------------------
bs patient add G1 --name "Glo Bal" --sex F --born 1970-01-01
expect_rc 0 "patient add into \$BEDSIDE_DB"
[ -f "$DB" ] && ok || fail "\$BEDSIDE_DB is the default database"
bs --db "$T/other.db" patient list
expect_rc 1 "--db overrides \$BEDSIDE_DB"
expect_err "other\.db: no such database" "--db names its file"

# Every subcommand: an unknown option is a usage error (exit 2), named.
for c in patient hip record amend void enter show print due export drafts history backup check demo forms; do
    before=$(db_sum)
    bs "$c" --no-such-option
    expect_rc 2 "$c with an unknown option"
    grep -q "^bedside: .*no-such-option" "$T/err" && ok || fail "$c: the unknown option is named"
    expect_same "$(db_sum)" "$before" "$c with an unknown option changes nothing"
done

# The configuration's database, when neither --db nor $BEDSIDE_DB is given.
sed -e "s|^forms: .*|forms: $TOP/forms|" -e '/^database:/d' "$BEDSIDE_CONFIG" >"$T/cfg.yaml"
printf 'database: %s\n' "$T/fromcfg.db" >>"$T/cfg.yaml"
(unset BEDSIDE_DB; "$BEDSIDE" --today "$TODAY" --config "$T/cfg.yaml" patient add C1 --name A \
    --sex M --born 1970-01-01) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "patient add with the config's database"
[ -f "$T/fromcfg.db" ] && ok || fail "the config's database was used"

# $XDG_DATA_HOME/bedside/bedside.db when nothing names a database.
sed -i '/^database:/d' "$T/cfg.yaml"
(unset BEDSIDE_DB; XDG_DATA_HOME=$T/xdg "$BEDSIDE" --today "$TODAY" --config "$T/cfg.yaml" \
    patient add C2 --name A --sex M --born 1970-01-01) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "patient add into the XDG default"
[ -f "$T/xdg/bedside/bedside.db" ] && ok || fail "created \$XDG_DATA_HOME/bedside/bedside.db"
(unset BEDSIDE_DB XDG_DATA_HOME; HOME=$T/home "$BEDSIDE" --today "$TODAY" --config "$T/cfg.yaml" \
    patient add C3 --name A --sex M --born 1970-01-01) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "patient add with neither XDG_DATA_HOME nor a database set"
[ -f "$T/home/.local/share/bedside/bedside.db" ] && ok || fail "default ~/.local/share/bedside/bedside.db"

# $XDG_CONFIG_HOME/bedside/bedside.yaml is read when $BEDSIDE_CONFIG is unset.
mkdir -p "$T/xdgc/bedside"
printf 'forms: %s\nschedule: oops\nbogus: 1\n' "$TOP/forms" >"$T/xdgc/bedside/bedside.yaml"
(unset BEDSIDE_CONFIG; XDG_CONFIG_HOME=$T/xdgc "$BEDSIDE" patient list) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "a bad user configuration"
expect_err "xdgc/bedside/bedside\.yaml:[0-9]+:[0-9]+: " "the user's configuration was read"
bs --config "$T/nope.yaml" patient list
expect_rc 1 "--config naming a missing file"
expect_err "nope\.yaml" "names the file"

# --forms: a folder with a broken form, or without a form the schedule needs.
mkdir -p "$T/badforms"
cp "$TOP"/forms/*.yaml "$T/badforms/"
printf 'id: broken\ntitle: [unclosed\n' >"$T/badforms/zz.yaml"
bs --forms "$T/badforms" patient list
expect_rc 1 "a forms folder with a broken form"
expect_err "zz\.yaml:[0-9]+:[0-9]+: " "the broken form's position"
expect_err "^bedside: the forms folder has problems; see bedside forms check$" "points to forms check"
mkdir -p "$T/fewforms"
cp "$TOP/forms/hhs.yaml" "$T/fewforms/"
bs --forms "$T/fewforms" patient list
expect_rc 1 "a forms folder without the schedule's forms"
expect_err "bedside\.yaml: the schedule expects form 'vas' \(at baseline, 1m, 3m, 6m, 12m, 18m, 24m\), which is not in .*fewforms" \
    "names the form, its timepoints and the folder"
expect_same "$(grep -c "expects form 'vas'" "$T/err")" 1 "one line per missing form"

t_done
