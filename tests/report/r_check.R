# tests/report/r_check.R — recompute every figure of `bedside report --csv`
# from the raw data with R (survival, stats) and compare. Arguments: the
# folder with bedside's CSV files and the raw data (raw_hips.csv,
# raw_scores.csv, raw_mri.csv) that r_check.sh exported with the sqlite3
# shell, and the study end (report --to) if any. R_BY in the environment:
# the stratifying variable of report --by (stage when unset): a column of
# raw_hips.csv. labels.csv (field, code, label) names the options of every
# enrolment choice field: strata and levels go by label, a hip without an
# answer is "not recorded".
# Prints one line per mismatch, then "N passed, N failed".
suppressPackageStartupMessages(library(survival))
args <- commandArgs(TRUE)
dir <- args[1]
rd <- function(f) read.csv(file.path(dir, f), stringsAsFactors = FALSE, na.strings = "")
pass <- 0L; fail <- 0L
same <- function(got, want, what, tol = 1e-6) {
  ok <- (is.na(got) && is.na(want)) ||
        (!is.na(got) && !is.na(want) && abs(got - want) <= tol)
  if (isTRUE(ok)) pass <<- pass + 1L else {
    fail <<- fail + 1L
    if (fail <= 40) cat(sprintf("MISMATCH %s: bedside %s, R %s\n", what, format(got, digits = 15),
                                format(want, digits = 15)))
  }
}
try_na <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) NA)

# ---- the raw data, and the rules applied independently of bedside ----
# Censoring: the THA is the event unless an end of follow-up (end_of_followup,
# cens_date) came strictly before it; a hip is censored at its end of
# follow-up, else at the study end (args[2], report --to) when anything of
# it lies after that, else at its last record. --to also selects hips
# indexed on or before it.
hips <- rd("raw_hips.csv")
day <- function(s) as.numeric(as.Date(s))
study <- if (length(args) > 1) day(args[2]) else NA
hips$idx <- day(hips$index_date)
if (!is.na(study)) hips <- hips[hips$idx <= study, ]
hips$end <- day(hips$end_date)
hips$cens <- day(hips$cens_date)
hips$last <- day(hips$last_date)
after <- function(d) !is.na(study) & !is.na(d) & d > study
ended <- !is.na(hips$cens) & (is.na(hips$end) | hips$cens < hips$end)
hips$event <- as.integer(!is.na(hips$end) & !ended & !after(hips$end))
hips$why <- ifelse(hips$event == 1, "Conversion to THA",
            ifelse(ended & !after(hips$cens), "end of follow-up form",
            ifelse(after(hips$last) | after(hips$end) | after(hips$cens), "study end",
                   "last record")))
stop_d <- ifelse(hips$why == "Conversion to THA", hips$end,
          ifelse(hips$why == "end of follow-up form", hips$cens,
          ifelse(hips$why == "study end", study,
          ifelse(!is.na(hips$last), hips$last, hips$idx))))
hips$stop <- pmax(stop_d, hips$idx)
hips$time <- hips$stop - hips$idx
labels <- rd("labels.csv")
named <- function(field, x) {
  x <- as.character(x)
  l <- labels[labels$field == field, ]
  m <- match(x, l$code)
  out <- ifelse(is.na(m), x, l$label[m])
  out[is.na(x) | x == ""] <- "not recorded"
  out
}
for (f in intersect(unique(labels$field), names(hips))) hips[[f]] <- named(f, hips[[f]])
# The stratum: report --by (R_BY), the stage unless said otherwise.
by <- Sys.getenv("R_BY", "stage")
hips$stratum <- named("", hips[[by]])   # already by label above, if a choice

# ---- the per-hip listing ----
ep <- rd("endpoints.csv")
key <- paste(hips$mrn, hips$side)
m <- match(paste(ep$mrn, ep$side), key)
same(nrow(ep), nrow(hips), "endpoint listing rows")
same(sum(is.na(m)), 0, "listing hips found in the raw data")
for (i in seq_len(nrow(ep))) {
  same(ep$days[i], hips$time[m[i]], paste("days of", key[m[i]]), 0)
  same(ep$event[i], hips$event[m[i]], paste("event of", key[m[i]]), 0)
  same(as.numeric(ep$why[i] == hips$why[m[i]]), 1,
       paste("censoring rule of", key[m[i]], ep$why[i], hips$why[m[i]]), 0)
}
for (w in c("end of follow-up form", "last record", "study end"))
  cat(sprintf("censored at %s: %d hips\n", w, sum(hips$why == w)))

# ---- Kaplan-Meier per stratum, at the rows bedside printed ----
sv <- rd("survival.csv")
for (s in unique(sv$stratum)) {
  rows <- sv[sv$stratum == s, ]
  d <- hips[hips$stratum == s, ]
  fit <- survfit(Surv(time, event) ~ 1, data = d, conf.type = "log-log")
  sm <- summary(fit, times = rows$day)
  same(length(sm$time), nrow(rows), paste("KM rows", s), 0)
  for (i in seq_len(nrow(rows))) {
    w <- paste0("KM ", s, " day ", rows$day[i])
    same(rows$surv[i], sm$surv[i], paste(w, "surv"))
    same(rows$se[i], sm$std.err[i], paste(w, "std.err"))
    same(rows$lower[i], sm$lower[i], paste(w, "lower"))
    same(rows$upper[i], sm$upper[i], paste(w, "upper"))
    same(rows$at_risk[i], sm$n.risk[i], paste(w, "n.risk"), 0)
    same(rows$events[i], sm$n.event[i], paste(w, "n.event"), 0)
    same(rows$censored[i], sm$n.censor[i], paste(w, "n.censor"), 0)
  }
  med <- rd("survival_summary.csv")
  same(med$median_days[med$stratum == s], unname(summary(fit)$table["median"]),
       paste("median", s))
  same(med$events[med$stratum == s], sum(d$event), paste("events", s), 0)
}
lr <- rd("logrank.csv")
sd_ <- survdiff(Surv(time, event) ~ stratum, data = hips)
df <- sum(sd_$exp > 0) - 1
same(lr$chisq[1], sd_$chisq, "log-rank chi-square")
same(lr$df[1], df, "log-rank df", 0)
if (df >= 1) same(lr$p[1], pchisq(sd_$chisq, df, lower.tail = FALSE), "log-rank p")

# ---- scores by visit ----
raw <- rd("raw_scores.csv")
raw$vd <- day(raw$visit_date)
raw <- merge(raw, hips[, c("uuid", "event", "stop")], by.x = "hip", by.y = "uuid")
raw <- raw[!(raw$event == 1 & raw$vd > raw$stop), ]
raw <- raw[order(raw$vd), ]
raw <- raw[!duplicated(raw[, c("hip", "form", "score", "timepoint")], fromLast = TRUE), ]
sc <- rd("scores.csv")
base_tp <- sc$timepoint_id[1]
for (i in seq_len(nrow(sc))) {
  r <- sc[i, ]
  w <- paste(r$form, r$score, r$timepoint_id)
  inst <- if (r$stratum == "all") hips$uuid else hips$uuid[hips$stratum == r$stratum]
  w <- paste(r$stratum, w)
  v <- raw[raw$hip %in% inst & raw$form == r$form & raw$score == r$score &
           raw$timepoint == r$timepoint_id, ]
  same(r$n, nrow(v), paste(w, "n"), 0)
  same(r$mean, if (nrow(v)) mean(v$value) else NA, paste(w, "mean"))
  same(r$sd, if (nrow(v) > 1) sd(v$value) else NA, paste(w, "sd"))
  if (r$timepoint_id == base_tp) next
  b <- raw[raw$hip %in% inst & raw$form == r$form & raw$score == r$score &
           raw$timepoint == base_tp, ]
  p <- merge(b[, c("hip", "value")], v[, c("hip", "value")], by = "hip")
  same(r$pairs, nrow(p), paste(w, "pairs"), 0)
  tt <- try_na(t.test(p$value.y, p$value.x, paired = TRUE))
  same(r$p_t, if (is.list(tt)) tt$p.value else NA, paste(w, "t.test p"))
  same(r$change_lo, if (is.list(tt)) tt$conf.int[1] else NA, paste(w, "t.test lower"))
  same(r$change_hi, if (is.list(tt)) tt$conf.int[2] else NA, paste(w, "t.test upper"))
  same(r$change, if (nrow(p)) mean(p$value.y - p$value.x) else NA, paste(w, "mean change"))
  wt <- try_na(wilcox.test(p$value.y, p$value.x, paired = TRUE))
  same(r$p_wilcoxon, if (is.list(wt)) wt$p.value else NA, paste(w, "wilcox.test p"))
}

# ---- baseline: age and every number field of the enrolment forms ----
# (fields.csv: each field with the baseline's name for it; a patient's
# answer counts with each of its hips)
bl <- rd("baseline.csv")
fields <- rd("fields.csv")
hips$age <- (hips$idx - day(hips$born)) / 365.25
for (s in unique(bl$stratum)) {
  d <- if (s == "all") hips else hips[hips$stratum == s, ]
  for (i in which(fields$type %in% c("integer", "decimal"))) {
    v <- as.numeric(d[[fields$field[i]]])
    w <- paste(s, fields$name[i])
    r <- bl[bl$stratum == s & bl$characteristic == fields$name[i], ]
    same(nrow(r), 1, paste(w, "one row"), 0)
    if (nrow(r) != 1) next
    same(r$n, sum(!is.na(v)), paste(w, "n"), 0)
    same(r$missing, sum(is.na(v)), paste(w, "missing"), 0)
    same(r$mean, if (any(!is.na(v))) mean(v, na.rm = TRUE) else NA, paste(w, "mean"))
    same(r$sd, if (sum(!is.na(v)) > 1) sd(v, na.rm = TRUE) else NA, paste(w, "sd"))
  }
  age <- tapply(d$age, d$patient, min)
  ag <- bl[bl$stratum == s & bl$characteristic == "Age (years)", ]
  same(ag$n, length(age), paste(s, "patients with an age"), 0)
  same(ag$mean, mean(age), paste(s, "age mean"))
  same(ag$sd, sd(age), paste(s, "age sd"))
}

# ---- baseline: counts of patients, hips and categories, per stratum ----
# Patients and sex count patients (a patient with hips in two strata counts
# in both); side and every choice field of the enrolment forms count hips.
cat_check <- function(s, d, char, col, per_patient) {
  rows <- bl[bl$stratum == s & bl$characteristic == char, ]
  x <- if (per_patient) d[!duplicated(d$patient), col] else d[[col]]
  den <- length(x)
  x <- as.character(x[!is.na(x) & x != ""])
  tb <- table(x)
  # Every level R counts is listed; a level listed but absent counts 0.
  for (lv in union(names(tb), rows$level)) {
    r <- rows[rows$level == lv, ]
    k <- if (lv %in% names(tb)) as.numeric(tb[[lv]]) else 0
    same(if (nrow(r)) r$n[1] else NA, k, paste(s, char, lv, "n"), 0)
    same(if (nrow(r)) r$percent[1] else NA, 100 * k / den, paste(s, char, lv, "percent"))
  }
}
for (s in unique(bl$stratum)) {
  d <- if (s == "all") hips else hips[hips$stratum == s, ]
  np <- length(unique(d$patient))
  same(bl$n[bl$stratum == s & bl$characteristic == "Patients"], np, paste(s, "patients"), 0)
  same(bl$n[bl$stratum == s & bl$characteristic == "Hips"], nrow(d), paste(s, "hips"), 0)
  bi <- sum(table(d$patient) > 1)
  brow <- bl[bl$stratum == s & bl$characteristic == "Bilateral", ]
  same(brow$n, bi, paste(s, "bilateral patients"), 0)
  same(brow$percent, 100 * bi / np, paste(s, "bilateral percent"))
  cat_check(s, d, "Sex", "sex", TRUE)
  cat_check(s, d, "Side", "side", FALSE)
  for (i in which(fields$type == "choice"))
    cat_check(s, d, fields$name[i], fields$field[i], FALSE)
}
# Every enrolment field has its rows, and nothing else is there.
want <- c("Patients", "Hips", "Bilateral", "Age (years)", "Sex", "Side",
          fields$name[fields$type %in% c("choice", "integer", "decimal")])
same(length(setdiff(unique(bl$characteristic), want)), 0, "no characteristic but these", 0)
same(length(setdiff(want, unique(bl$characteristic))), 0, "every characteristic there", 0)

# ---- outcome: the last MRI judgement of each hip by visit date (records
# after the hip's conversion left out), and the conversions, per stratum ----
if (is.na(study)) {
  oc <- rd("outcome.csv")
  mri <- rd("raw_mri.csv")
  mri$vd <- day(mri$visit_date)
  mri <- merge(mri, hips[, c("uuid", "event", "stop")], by.x = "hip", by.y = "uuid")
  mri <- mri[!(mri$event == 1 & mri$vd > mri$stop) & !is.na(mri$judgement), ]
  mri <- mri[order(mri$vd), ]
  last <- mri[!duplicated(mri$hip, fromLast = TRUE), ]
  cols <- names(oc)
  codes <- cols[seq(3, which(cols == "none") - 2, by = 2)]
  ep <- cols[length(cols) - 1]
  for (i in seq_len(nrow(oc))) {
    s <- oc$stratum[i]
    d <- hips[hips$stratum == s, ]
    same(oc$hips[i], nrow(d), paste("outcome", s, "hips"), 0)
    j <- last$judgement[match(d$uuid, last$hip)]
    for (code in c(codes, "none")) {
      n <- if (code == "none") sum(is.na(j)) else sum(j == code, na.rm = TRUE)
      same(oc[[code]][i], n, paste("outcome", s, code), 0)
      same(oc[[paste0(code, "_pct")]][i], 100 * n / nrow(d), paste("outcome", s, code, "%"))
    }
    same(oc[[ep]][i], sum(d$event), paste("outcome", s, ep), 0)
    same(oc[[paste0(ep, "_pct")]][i], 100 * sum(d$event) / nrow(d),
         paste("outcome", s, ep, "%"))
  }
}

cat(sprintf("%d passed, %d failed\n", pass, fail))
