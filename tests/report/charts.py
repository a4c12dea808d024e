#!/usr/bin/env python3
"""Checks of bedside's charts for tests/report/charts*.sh. Each command
prints what it found and exits 1 when the check fails.

  lines TEXT PDFTEXT        every line of TEXT (whitespace collapsed) is a line
                            of PDFTEXT (pdftotext -layout), the text plot left out
  km SVG SURVIVAL_CSV       each stratum's step path passes through the CSV's
                            estimates (y within 0.5 pt at x = day)
  visits SVG JSON           the line has exactly the points given in JSON:
                            {"x1": months, "y0":, "y1":, "points": [[day, value], ...]},
                            and the baseline ("base") and MCID threshold ("mcid")
                            lines are at their values when the JSON gives them
  marks SVG                 prints "missed N event M": crosses on the axis and
                            vertical event lines (both drawn in dark red)
  ink PNG                   the fraction of pixels that are not white (> 0.01)
"""
import csv
import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

MONTH = 30.4375
PALETTE = [(0, 27, 53), (80, 20, 10), (10, 55, 25), (55, 25, 65), (85, 55, 5), (30, 30, 30)]
MONTH_STEPS = [1, 3, 6, 12, 24, 60, 120]


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def cmd_lines(text, pdftext):
    have = {norm(l) for l in open(pdftext, encoding="utf-8").read().split("\n")}
    skip, n, missing = False, 0, []
    for l in open(text, encoding="utf-8").read().split("\n"):
        if l.startswith("Proportion free"):
            skip = True
        if skip:
            if re.match(r"^ +1 = ", l):
                skip = False
            continue
        l = norm(l)
        if l:
            n += 1
            if l not in have:
                missing.append(l)
    print(f"{n} lines, {len(missing)} missing")
    for l in missing[:5]:
        print("missing:", l)
    return n > 0 and not missing


def paths(svg):
    """(stroke rgb percent tuple, stroke width, [(x, y), ...]) of each stroked path."""
    out = []
    for el in ET.parse(svg).iter("{http://www.w3.org/2000/svg}path"):
        style, d = el.get("style", ""), el.get("d", "")
        m = re.search(r"stroke:rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\)", style)
        w = re.search(r"stroke-width:([\d.]+)", style)
        if not m or not w or "fill:none" not in style or el.get("transform"):
            continue
        toks = d.split()
        pts, i = [], 0
        while i < len(toks):
            if toks[i] in ("M", "L"):
                pts.append((float(toks[i + 1]), float(toks[i + 2])))
                i += 3
            else:
                i += 1
        out.append((tuple(round(float(v)) for v in m.groups()), float(w.group(1)), pts))
    return out


def frame(ps):
    """The plotting area: the 0.8-wide dark rectangle."""
    for rgb, w, pts in ps:
        if rgb == (20, 20, 20) and abs(w - 0.8) < 1e-6:
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    raise SystemExit("no plotting frame in the SVG")


def series(ps, k):
    """The line of series k: its colour, width 1.6, the most points."""
    best = None
    for rgb, w, pts in ps:
        if rgb == PALETTE[k] and abs(w - 1.6) < 1e-6 and (best is None or len(pts) > len(best)):
            best = pts
    return best or []


def nice_months(hi, ticks=6):
    raw = hi / ticks
    step = next((s for s in MONTH_STEPS if s >= raw), MONTH_STEPS[-1])
    while step < raw:
        step *= 2
    import math
    top = math.ceil(hi / step - 1e-9) * step
    return top if top > 0 else step


def cmd_km(svg, survival):
    ps = paths(svg)
    left, top, w, h = frame(ps)
    rows = list(csv.DictReader(open(survival, encoding="utf-8")))
    strata = []
    for r in rows:
        if r["stratum"] not in strata:
            strata.append(r["stratum"])
    t_max = max(float(r["day"]) for r in rows if r["timepoint"] == "end")
    x1 = nice_months(t_max / MONTH)
    bad = 0
    for r in rows:
        k = strata.index(r["stratum"])
        pts = series(ps, k)
        x = left + float(r["day"]) / MONTH / x1 * w
        want = top + h - float(r["surv"]) * h
        on = [p for p in pts if p[0] <= x + 0.01]
        got = on[-1][1] if on else None
        if got is None or abs(got - want) > 0.5:
            bad += 1
            print(f"stratum {r['stratum']} day {r['day']}: y {got}, want {want:.3f}")
    print(f"{len(rows)} estimates of {len(strata)} strata checked, {bad} off")
    return bad == 0 and len(rows) > 0


def cmd_visits(svg, spec):
    s = json.load(open(spec, encoding="utf-8"))
    ps = paths(svg)
    left, top, w, h = frame(ps)
    pts = series(ps, 0)
    want = [(left + d / MONTH / s["x1"] * w, top + h - (v - s["y0"]) / (s["y1"] - s["y0"]) * h)
            for d, v in s["points"]]
    ok = len(pts) == len(want) and all(
        abs(a[0] - b[0]) <= 0.5 and abs(a[1] - b[1]) <= 0.5 for a, b in zip(pts, want))
    def ypos(v):
        return top + h - (v - s["y0"]) / (s["y1"] - s["y0"]) * h
    for key, rgb in (("base", (35, 35, 35)), ("mcid", (5, 50, 20))):
        if key in s:
            lines = [p for c, w, p in ps if c == rgb and len(p) == 2 and abs(p[0][1] - p[1][1]) < 0.01]
            if not any(abs(l[0][1] - ypos(s[key])) <= 0.5 for l in lines):
                print(f"no {key} line at y {ypos(s[key]):.2f}: {lines}")
                ok = False
    print(f"{len(pts)} points drawn, {len(want)} visits expected")
    if not ok:
        print("drawn:   ", [(round(x, 2), round(y, 2)) for x, y in pts])
        print("expected:", [(round(x, 2), round(y, 2)) for x, y in want])
    return ok


def cmd_marks(svg):
    missed = event = 0
    for rgb, w, pts in paths(svg):
        if rgb != (75, 5, 5):
            continue
        ys = [p[1] for p in pts]
        if max(ys) - min(ys) > 50:
            event += 1
        else:
            missed += len(pts) // 4   # two strokes, two points each, per cross
    print(f"missed {missed} event {event}")
    return True


def png_pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (0, 2, 6), f"colour type {ctype}"
            bpp = {0: 1, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, out = zlib.decompress(idat), width * bpp, None, []
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(line)
        prev = line
    return out, bpp


def cmd_ink(path):
    rows, bpp = png_pixels(path)
    total = ink = 0
    for line in rows:
        for i in range(0, len(line), bpp):
            total += 1
            ink += any(v < 200 for v in line[i:i + min(bpp, 3)])
    frac = ink / total if total else 0
    print(f"{ink} of {total} pixels inked ({frac:.3f})")
    return frac > 0.01


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    ok = {"lines": cmd_lines, "km": cmd_km, "visits": cmd_visits, "ink": cmd_ink,
          "marks": cmd_marks}[cmd](*args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
