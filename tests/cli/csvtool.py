#!/usr/bin/env python3
"""csvtool.py — read bedside's CSV exports back with Python's csv module.

  check FILE [COL=TYPE ...]  RFC 4180 as bedside writes it (CRLF, quotes only
                             where needed, every row as wide as the header),
                             the formula guard, and each named column's type:
                             int, num, date, uuid, bit (0/1), sid (S0001),
                             nonempty. Prints problems; exit 1 if any.
  header FILE                the header, comma-joined
  cell FILE ROW COL          one cell (ROW 1 = first data row)
  col FILE COL               a column's cells, one per line
  drop FILE COL ...          the file without those columns (CSV on stdout)
  rows FILE                  the number of data rows
"""
import csv
import io
import re
import sys

TYPES = {
    "int": re.compile(r"-?[0-9]+\Z"),
    "num": re.compile(r"-?[0-9]+(\.[0-9]+)?\Z"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    "uuid": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z"),
    "bit": re.compile(r"[01]\Z"),
    "sid": re.compile(r"S[0-9]{4,}(-[LR])?\Z"),
    "nonempty": re.compile(r".+\Z", re.S),
}


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    return text, rows


def check(path, specs):
    text, rows = load(path)
    problems = []
    if not rows:
        problems.append("empty file")
    else:
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        if out.getvalue() != text:
            problems.append("not byte-identical to RFC 4180 minimal quoting with CRLF")
        width = len(rows[0])
        if len(set(rows[0])) != width:
            problems.append("duplicate column names")
        for i, r in enumerate(rows[1:], 1):
            if len(r) != width:
                problems.append("row %d has %d cells, the header %d" % (i, len(r), width))
            for c in r:
                if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not TYPES["num"].match(c.lstrip("+")):
                    problems.append("row %d: unguarded formula cell %r" % (i, c))
        for spec in specs:
            name, _, typ = spec.partition("=")
            if name not in rows[0]:
                problems.append("no column %s" % name)
                continue
            j = rows[0].index(name)
            rx = TYPES[typ]
            for i, r in enumerate(rows[1:], 1):
                if j < len(r) and r[j] != "" and not rx.match(r[j]):
                    problems.append("row %d: %s=%r is not %s" % (i, name, r[j], typ))
                elif typ == "nonempty" and j < len(r) and r[j] == "":
                    problems.append("row %d: %s is empty" % (i, name))
    for p in problems[:20]:
        print("%s: %s" % (path, p))
    return 1 if problems else 0


def main(argv):
    cmd, path = argv[1], argv[2]
    if cmd == "check":
        return check(path, argv[3:])
    _, rows = load(path)
    head = rows[0] if rows else []
    if cmd == "header":
        print(",".join(head))
    elif cmd == "rows":
        print(len(rows) - 1)
    elif cmd == "cell":
        r, name = int(argv[3]), argv[4]
        if name not in head or r >= len(rows):
            return 1
        print(rows[r][head.index(name)])
    elif cmd == "col":
        j = head.index(argv[3])
        for r in rows[1:]:
            print(r[j])
    elif cmd == "drop":
        keep = [j for j, n in enumerate(head) if n not in argv[3:]]
        w = csv.writer(sys.stdout, lineterminator="\r\n")
        for r in rows:
            w.writerow([r[j] for j in keep])
    return 0


sys.exit(main(sys.argv))
