#!/usr/bin/env python3
"""Draw the demonstration's figure: I/O rate over time of the failing LUN,
a sibling LUN on its target and a LUN of another target, one panel per
recovery scope, the recovery window shaded.  Reads demo-MODE-iops.csv and
demo-MODE.csv from a demo results folder, writes demo.svg there and prints
the per-mode summary.  Python standard library only."""
import csv
import os
import sys

MODES = ["host", "target", "lun"]
SERIES = [("lun_0_0", "LUN 0:0 (failing)", "#c0392b"),
          ("lun_0_1", "LUN 0:1 (same target)", "#2471a3"),
          ("lun_1_0", "LUN 1:0 (other target)", "#229954")]
W, PANEL_H, LEFT, RIGHT, TOP = 900, 210, 70, 20, 40


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: plot-demo.py RESULTS_FOLDER")
    folder = sys.argv[1]
    panels = []
    for mode in MODES:
        ipath = os.path.join(folder, f"demo-{mode}-iops.csv")
        lpath = os.path.join(folder, f"demo-{mode}.csv")
        if not (os.path.exists(ipath) and os.path.exists(lpath)):
            sys.exit(f"plot-demo: {ipath} or {lpath} is missing: did the demo run to its end?")
        panels.append((mode, read_csv(ipath), read_csv(lpath)))

    ymax = max(float(r[k]) for _, rows, _ in panels for r in rows for k, _, _ in SERIES)
    ymax = max(ymax, 1.0) * 1.1
    xmin = min(int(r["ms_from_fault"]) for _, rows, _ in panels for r in rows)
    xmax = max(int(r["ms_from_fault"]) for _, rows, _ in panels for r in rows) + 250
    height = TOP + len(panels) * (PANEL_H + 40) + 40
    pw = W - LEFT - RIGHT

    def x(ms):
        return LEFT + (ms - xmin) * pw / (xmax - xmin)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{height}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="15">One failing LUN and its neighbours: '
           f'I/O per second (250 ms bins), fault at 0 s</text>']
    for i, (mode, rows, luns) in enumerate(panels):
        top = TOP + i * (PANEL_H + 40) + 20

        def y(v):
            return top + PANEL_H - v * PANEL_H / ymax

        win = int(luns[0]["window_ms"])
        out.append(f'<text x="{LEFT}" y="{top - 6}" font-size="13" font-weight="bold">'
                   f'{mode} scope (recovery window {win / 1000:.1f} s)</text>')
        out.append(f'<rect x="{x(0):.1f}" y="{top}" width="{x(win) - x(0):.1f}" '
                   f'height="{PANEL_H}" fill="#f5b7b1" fill-opacity="0.45"/>')
        out.append(f'<rect x="{LEFT}" y="{top}" width="{pw}" height="{PANEL_H}" '
                   f'fill="none" stroke="#555"/>')
        for frac in (0, 0.5, 1):
            v = ymax / 1.1 * frac
            out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
        for s in range((xmin // 5000) * 5, xmax // 1000 + 1, 5):
            if s * 1000 < xmin:
                continue
            out.append(f'<line x1="{x(s * 1000):.1f}" y1="{top + PANEL_H}" x2="{x(s * 1000):.1f}" '
                       f'y2="{top + PANEL_H + 4}" stroke="#555"/>')
            out.append(f'<text x="{x(s * 1000):.1f}" y="{top + PANEL_H + 16}" '
                       f'text-anchor="middle">{s} s</text>')
        for key, _, colour in SERIES:
            pts = " ".join(f"{x(int(r['ms_from_fault']) + 125):.1f},{y(float(r[key])):.1f}"
                           for r in rows)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
    ly = height - 18
    lx = LEFT
    for _, label, colour in SERIES:
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 24}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{lx + 30}" y="{ly}">{label}</text>')
        lx += 230
    out.append(f'<rect x="{lx}" y="{ly - 12}" width="24" height="12" fill="#f5b7b1"/>')
    out.append(f'<text x="{lx + 30}" y="{ly}">recovery window</text>')
    out.append("</svg>")
    svg = os.path.join(folder, "demo.svg")
    with open(svg, "w") as f:
        f.write("\n".join(out) + "\n")

    print("mode     window   healthy LUNs: availability mean / worst   longest gap siblings / other targets")
    for mode, _, luns in panels:
        healthy = [r for r in luns if r["hctl"].split(":")[2:] != ["0", "0"]]
        avail = [float(r["availability_pct"]) for r in healthy]
        sib = max(int(r["longest_gap_ms"]) for r in healthy if r["target"] == "0")
        oth = max(int(r["longest_gap_ms"]) for r in healthy if r["target"] != "0")
        print(f"{mode:7} {int(luns[0]['window_ms']) / 1000:6.1f} s   "
              f"{sum(avail) / len(avail):5.0f}% / {min(avail):5.0f}%"
              f"{'':26}{sib:6d} ms / {oth:6d} ms")
    print(f"figure: {svg}")


if __name__ == "__main__":
    main()
