#!/usr/bin/env python3
"""tests/bench/per_patient.py — show, print and record beside the sqlite3 shell
running the same queries (tests/bench/sql/), in rotation: each round runs every
command once, so a change of the machine's load falls on all of them alike.
CPU is user + sys of each process (wait4), in ms; prints the median and the
quartiles over ROUNDS rounds, and the ratio of the medians.

  per_patient.py DB MRN RECORD_MRN ROUNDS [BEDSIDE [OLD_BEDSIDE OLD_DB]]

record writes: DB (and OLD_DB) gain one unscheduled VAS record per round and
bedside, on the patient RECORD_MRN + round (D050000, D050001, ...), so that no
patient grows over the run; give copies. BEDSIDE defaults to ./bedside; with
OLD_BEDSIDE and OLD_DB (a copy of the same cohort at the schema that program
makes) the older program is timed in the same rotation. The forms cache is
warmed first (one `forms check` a program). A benchmark, not a test: figures only.
"""
import os
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORMS = os.path.join(TOP, "forms")
SQL = os.path.join(TOP, "tests", "bench", "sql")
TODAY = "2026-06-15"


def main():
    if len(sys.argv) not in (5, 6, 8):
        sys.exit(__doc__.split("\n\n")[1])
    db, mrn, rec_mrn, rounds = sys.argv[1:5]
    rounds = int(rounds)
    new = os.path.abspath(sys.argv[5]) if len(sys.argv) > 5 else os.path.join(TOP, "bedside")
    old, old_db = (os.path.abspath(sys.argv[6]), sys.argv[7]) if len(sys.argv) == 8 else (None, None)
    os.environ["BEDSIDE_CONFIG"] = os.path.join(TOP, "config", "bedside.yaml")
    prefix, base = rec_mrn[0], int(rec_mrn[1:])
    width = len(rec_mrn) - 1

    def side_of(m):
        return subprocess.check_output(
            ["sqlite3", "-readonly", db, "SELECT h.side FROM hips h JOIN patients p ON "
             f"p.uuid = h.patient WHERE p.mrn = '{m}' ORDER BY h.side LIMIT 1"], text=True).strip()

    def bs(prog, file, *args):
        return [prog, "--today", TODAY, "--forms", FORMS, "--db", file, *args]

    def shell(file, sql, m, extra=(), readonly=True):
        return ["sqlite3", *(["-readonly"] if readonly else []), "-cmd",
                f".parameter set :mrn '{m}'", *extra, file, f".read {SQL}/{sql}"]

    def commands(r):
        m = "%s%0*d" % (prefix, width, base + r)
        side = side_of(m)
        rec = ["record", m, "--form", "vas", "--hip", side, "--timepoint", "unscheduled", "pain=5"]
        progs = [("bedside", new, db)] + ([("older", old, old_db)] if old else [])
        c = {}
        for cmd, sql, args in (("show", "show.sql", ["show", mrn]),
                               ("print", "print.sql", ["print", mrn]), ("record", None, rec)):
            for who, prog, file in progs:
                c[(cmd, who)] = bs(prog, file, *args)
            c[(cmd, "sqlite3")] = (
                shell(db, sql, mrn) if sql else
                shell(db, "record.sql", m, ["-cmd", f".parameter set :side '{side}'", "-cmd",
                      '.parameter set :rec "lower(hex(randomblob(16)))"'], readonly=False))
        return c

    with open(os.devnull, "w") as null:
        for prog in [new] + ([old] if old else []):
            subprocess.run([prog, "--forms", FORMS, "forms", "check"], stdout=null, check=True)
        times = {}
        for r in range(rounds + 3):      # the first three rounds warm the page cache
            for key, argv in commands(r).items():
                p = subprocess.Popen(argv, stdout=null, stderr=null)
                _, status, ru = os.wait4(p.pid, 0)
                if status != 0:
                    sys.exit("per_patient: failed: " + " ".join(argv))
                if r >= 3:
                    times.setdefault(key, []).append((ru.ru_utime + ru.ru_stime) * 1000)
    print("CPU ms (user + sys), median [quartiles] of %d rounds in rotation; load average %s"
          % (rounds, " ".join(open("/proc/loadavg").read().split()[:3])))
    for cmd in ("show", "print", "record"):
        line = "%-7s" % cmd
        med = {}
        for who in ("bedside", "older", "sqlite3"):
            t = times.get((cmd, who))
            if not t:
                continue
            q = statistics.quantiles(t, n=4)
            med[who] = statistics.median(t)
            line += "  %s %.2f [%.2f-%.2f]" % (who, med[who], q[0], q[2])
        line += "  ratio %.2f" % (med["bedside"] / med["sqlite3"])
        if "older" in med:
            line += " (older %.2f)" % (med["older"] / med["sqlite3"])
        print(line)


if __name__ == "__main__":
    main()
