#!/usr/bin/env python3
"""redcapcheck.py DIR — load a bedside REDCap project back with Python's csv
module and check it as REDCap's importer would: each file's header exactly,
record_id first, names unique, lower-case, valid and at most 26 characters,
every column of records.csv defined in the dictionary (checkbox field___N
for each choice, <form>_complete per instrument), every event/form pair of
the data mapped, every choice code in the data defined, unique event names
as REDCap makes them. Prints problems; exit 1 if any."""
import csv
import io
import re
import sys

D = sys.argv[1]
problems = []


def load(name):
    with open("%s/%s" % (D, name), newline="", encoding="utf-8") as f:
        raw = f.read()
    if not raw.endswith("\r\n"):
        problems.append("%s: lines do not end in CRLF" % name)
    return raw, list(csv.reader(io.StringIO(raw, newline=""), strict=True))


DICT_HEAD = ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
             "Choices, Calculations, OR Slider Labels", "Field Note",
             "Text Validation Type OR Show Slider Number", "Text Validation Min",
             "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
             "Required Field?", "Custom Alignment", "Question Number (surveys only)",
             "Matrix Group Name", "Matrix Ranking?", "Field Annotation"]
raw, dd = load("data_dictionary.csv")
first_line = raw.split("\r\n", 1)[0]
want_line = ",".join('"%s"' % h if " " in h else h for h in DICT_HEAD)
if first_line != want_line:
    problems.append("data_dictionary.csv header is not REDCap's: %s" % first_line)
if dd[0] != DICT_HEAD:
    problems.append("dictionary columns differ")
fields = dd[1:]
if not fields or fields[0][0] != "record_id":
    problems.append("the first field is not record_id")
names = [r[0] for r in fields]
if len(set(names)) != len(names):
    problems.append("variable names are not unique")
for n in names:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,25}", n):
        problems.append("bad variable name %r" % n)
types = {r[0]: r[3] for r in fields}
forms = []
for r in fields:
    if r[1] not in forms:
        forms.append(r[1])
    if r[3] not in ("text", "notes", "radio", "checkbox", "yesno", "descriptive"):
        problems.append("%s: unknown field type %s" % (r[0], r[3]))
    if r[7] not in ("", "integer", "number", "number_1dp", "number_2dp", "number_3dp",
                    "number_4dp", "date_ymd"):
        problems.append("%s: unknown validation %s" % (r[0], r[7]))
    for ref in re.findall(r"\[([^\]]+)\]", r[11]):
        if ref not in types:
            problems.append("%s: branching logic names unknown %s" % (r[0], ref))
codes = {}
for r in fields:
    if r[3] in ("radio", "checkbox"):
        cs = [c.split(",", 1)[0].strip() for c in r[5].split("|")]
        if not all(cs) or len(set(cs)) != len(cs):
            problems.append("%s: bad choices %r" % (r[0], r[5]))
        codes[r[0]] = cs
    elif r[3] == "yesno":
        codes[r[0]] = ["1", "0"]

_, arms = load("arms.csv")
if arms[0] != ["arm_num", "name"]:
    problems.append("arms.csv header %s" % arms[0])
_, ev = load("events.csv")
if ev[0] != ["event_name", "arm_num", "day_offset", "offset_min", "offset_max",
             "unique_event_name", "custom_event_label"]:
    problems.append("events.csv header %s" % ev[0])
events = set()
for r in ev[1:]:
    want = re.sub(r"[^a-z0-9]", "_", r[0].lower())[:18] + "_arm_" + r[1]
    if r[5] != want and not re.fullmatch(re.escape(want[:-6 - 1]) + r"[a-z]_arm_1", r[5]):
        problems.append("unique event name %s for %r, REDCap makes %s" % (r[5], r[0], want))
    for c in r[2:5]:
        if not re.fullmatch(r"[0-9]+", c):
            problems.append("events.csv: %s is not a day count" % c)
    events.add(r[5])
_, mp = load("instrument_event_mapping.csv")
if mp[0] != ["arm_num", "unique_event_name", "form"]:
    problems.append("instrument_event_mapping.csv header %s" % mp[0])
mapped = {(r[1], r[2]) for r in mp[1:]}
for e, f in mapped:
    if e not in events or f not in forms:
        problems.append("mapping names unknown %s/%s" % (e, f))
_, rp = load("repeating_instruments.csv")
if rp[0] != ["event_name", "form_name", "custom_form_label"]:
    problems.append("repeating_instruments.csv header %s" % rp[0])
repeating = {(r[0], r[1]) for r in rp[1:]}

_, rec = load("records.csv")
head = rec[0]
if head[:4] != ["record_id", "redcap_event_name", "redcap_repeat_instrument",
                "redcap_repeat_instance"]:
    problems.append("records.csv starts %s" % head[:4])
col_var = {}
for h in head[4:]:
    m = re.fullmatch(r"(.+)___(.+)", h)
    if h.endswith("_complete") and h[:-9] in forms:
        col_var[h] = None
    elif m and types.get(m.group(1)) == "checkbox":
        if m.group(2) not in codes[m.group(1)]:
            problems.append("checkbox column %s has no such choice" % h)
        col_var[h] = m.group(1)
    elif h in types and types[h] != "checkbox":
        col_var[h] = h
    else:
        problems.append("records.csv column %s is not in the dictionary" % h)
form_of = {r[0]: r[1] for r in fields}
keys = set()
for r in rec[1:]:
    if len(r) != len(head):
        problems.append("a records row has %d cells, not %d" % (len(r), len(head)))
        continue
    key = tuple(r[:4])
    if key in keys:
        problems.append("record/event/instance given twice: %s" % (key,))
    keys.add(key)
    if r[1] not in events:
        problems.append("unknown event %s" % r[1])
    if r[2] and (r[1], r[2]) not in repeating:
        problems.append("%s/%s is not a repeating instrument" % (r[1], r[2]))
    for h, v in zip(head[4:], r[4:]):
        if v == "":
            continue
        var = col_var.get(h)
        f = h[:-9] if var is None else form_of[var]
        if (r[1], f) not in mapped:
            problems.append("data of %s at %s, which is not mapped" % (f, r[1]))
        if var is None:
            if v != "2":
                problems.append("%s = %s" % (h, v))
        elif types[var] == "checkbox":
            if v not in ("0", "1"):
                problems.append("%s = %r" % (h, v))
        elif var in codes and v not in codes[var]:
            problems.append("%s = %r is not a defined choice" % (var, v))
for p in problems[:30]:
    print(p)
print("%d records rows, %d fields, %d events" % (len(rec) - 1, len(fields), len(events)))
sys.exit(1 if problems else 0)
