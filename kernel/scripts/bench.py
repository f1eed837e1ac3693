#!/usr/bin/env python3
"""The benchmark: scoped-recovery figures and the fast-path cost.

  bench.py --results DIR            run everything, then write the report
  bench.py --report-only DIR        write the report of an earlier run again

1. One boot of the patched kernel in bench mode (guest/bench.sh): the
   failing-LUN cases under every scope and the multi-failure runs, as CSV.
2. Fast-path boots (guest/fastpath.sh), alternating the unpatched and the
   patched kernel (build/obj-base and build/obj, same .config), the order
   swapped every round so that a drift of the machine's speed falls on both.
3. The report: DIR/bench.md (tables), DIR/*.svg (figures), DIR/fastpath.csv.

Python standard library only.
"""

import argparse
import csv
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
KERNELS = {
    "patched": (os.path.join(BUILD, "obj/arch/x86/boot/bzImage"),
                os.path.join(BUILD, "initramfs.cpio")),
    "unpatched": (os.path.join(BUILD, "obj-base/arch/x86/boot/bzImage"),
                  os.path.join(BUILD, "initramfs-base.cpio")),
}
MODES = ["host", "target", "lun", "lun+target"]
CASES = [("abort", "abort fails, LUN reset works"),
         ("lun", "abort and LUN reset fail"),
         ("lun-target", "abort, LUN and target reset fail")]
COLOURS = {"host": "#c0392b", "target": "#d68910", "lun": "#229954",
           "lun+target": "#2471a3", "unpatched": "#7f8c8d", "patched host": "#c0392b",
           "patched lun+target": "#2471a3"}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] bench: {msg}", flush=True)


def boot(kernel, mode, results, append, timeout):
    image, initrd = KERNELS[kernel]
    for f in (image, initrd):
        if not os.path.exists(f):
            sys.exit(f"bench: {f} is missing (make initramfs; scripts/base-kernel.sh)")
    cmd = [os.path.join(TOP, "scripts/run-guest.py"), "--kernel", image, "--initrd", initrd,
           "--mode", mode, "--results", results, "--timeout", str(timeout),
           "--append", append]
    log(f"{kernel} kernel, {mode} boot, results in {results}")
    rc = subprocess.call(cmd)
    if rc:
        sys.exit(f"bench: the {mode} boot of the {kernel} kernel failed (see {results})")


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def mean(xs):
    return statistics.mean(xs) if xs else float("nan")


# ------------------------------------------------------------------ figures

def bar_chart(path, title, groups, series, values, unit, fmt="{:.0f}"):
    """Grouped bars: values[(group, series)] -> list of samples (mean drawn,
    min-max whisker)."""
    w, h, left, top, bottom = 860, 330, 70, 40, 80
    pw, ph = w - left - 20, h - top - bottom
    vmax = max((max(v) for v in values.values() if v), default=1) * 1.15 or 1
    gw = pw / len(groups)
    bw = gw * 0.8 / len(series)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14">{title}</text>',
           f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#555"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#555"/>']
    for frac in (0, 0.25, 0.5, 0.75, 1):
        v = vmax / 1.15 * frac
        y = top + ph - v * ph / vmax
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt.format(v)}</text>')
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#ddd"/>')
    out.append(f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" '
               f'text-anchor="middle">{unit}</text>')
    for gi, (g, glabel) in enumerate(groups):
        gx = left + gi * gw + gw * 0.1
        out.append(f'<text x="{left + gi * gw + gw / 2:.1f}" y="{top + ph + 18}" '
                   f'text-anchor="middle">{glabel}</text>')
        for si, s in enumerate(series):
            v = values.get((g, s)) or []
            if not v:
                continue
            m = mean(v)
            x = gx + si * bw
            y = top + ph - m * ph / vmax
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw * 0.9:.1f}" '
                       f'height="{top + ph - y:.1f}" fill="{COLOURS.get(s, "#888")}"/>')
            if len(v) > 1:
                y0 = top + ph - min(v) * ph / vmax
                y1 = top + ph - max(v) * ph / vmax
                xc = x + bw * 0.45
                out.append(f'<line x1="{xc:.1f}" y1="{y0:.1f}" x2="{xc:.1f}" y2="{y1:.1f}" stroke="black"/>')
            out.append(f'<text x="{x + bw * 0.45:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                       f'font-size="10">{fmt.format(m)}</text>')
    lx = left
    for s in series:
        out.append(f'<rect x="{lx}" y="{h - 22}" width="14" height="12" fill="{COLOURS.get(s, "#888")}"/>')
        out.append(f'<text x="{lx + 18}" y="{h - 12}">{s}</text>')
        lx += 40 + 8 * len(s)
    out.append(f'<text x="{w - 20}" y="{h - 12}" text-anchor="end" font-size="10">'
               f'bar: mean; line: min to max</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ------------------------------------------------------------------- report

def scoped_rows(d, name, what, md):
    """The rows of the scoped boot's NAME, or None (and a line saying so)."""
    path = os.path.join(d, "scoped", name)
    if not os.path.exists(path):
        md.append(f"No {name}: {what} were not run.\n")
        return None
    return read_csv(path)


def report_cases(d, md):
    rows = scoped_rows(d, "cases.csv", "the failing-LUN cases", md)
    if not rows:
        return
    runs = len({r["run"] for r in rows})
    md.append("## One failing LUN under each scope\n")
    md.append(f"scsi_debug, 4 targets x 4 LUNs, fio at 40 reads/s on each LUN, every abort and "
              f"reset taking 2 s; LUN 0:0's next READ times out (2 s) and its abort fails. "
              f"{runs} run(s) per row, in one boot. Availability: completed reads of the 15 "
              f"healthy LUNs during the recovery window (fault to the failing LUN's recovery), "
              f"as a share of their rate before the fault. Recovery: fault to the completion "
              f"of the faulted read, retried after the recovery.\n")
    md.append("| case | scope | recovery (s) | healthy availability mean / worst | longest gap sibling / other target (ms) | aborts, LUN, target, bus, host resets |")
    md.append("|---|---|---|---|---|---|")
    rec, av = {}, {}
    for c, clabel in CASES:
        for m in MODES:
            sel = [r for r in rows if r["case"] == c and r["mode"] == m]
            if not sel:
                continue
            rc = [int(r["recovery_ms"]) / 1000 for r in sel]
            am = [float(r["avail_mean_pct"]) for r in sel]
            aw = [int(r["avail_worst_pct"]) for r in sel]
            gs = [int(r["gap_siblings_ms"]) for r in sel]
            go = [int(r["gap_others_ms"]) for r in sel]
            rs = sel[0]
            rec[(c, m)] = rc
            av[(c, m)] = am
            spread = f" ({min(rc):.1f}-{max(rc):.1f})" if len(rc) > 1 else ""
            md.append(f"| {clabel} | {m} | {mean(rc):.1f}{spread} | {mean(am):.0f}% / {min(aw)}% "
                      f"| {max(gs)} / {max(go)} | {rs['aborts']}, {rs['lun_resets']}, "
                      f"{rs['target_resets']}, {rs['bus_resets']}, {rs['host_resets']} |")
    md.append("")
    groups = [(c, lab) for c, lab in CASES if any((c, m) in rec for m in MODES)]
    bar_chart(os.path.join(d, "cases-availability.svg"),
              "Healthy LUNs' availability while LUN 0:0 recovers (15 LUNs, 4 targets)",
              groups, MODES, av, "% of their rate before the fault")
    bar_chart(os.path.join(d, "cases-recovery.svg"),
              "Recovery time of the failing LUN (fault to its retried read's completion)",
              groups, MODES, rec, "seconds", "{:.1f}")
    md.append("![availability](cases-availability.svg)\n")
    md.append("![recovery](cases-recovery.svg)\n")


MULTI_FAULTS = [
    ("timeout", "each failing LUN's READ times out (2 s), its abort fails, its LUN reset works"),
    ("error", "each failing LUN's READ fails at once with DID_TIME_OUT (no timeout, no abort), "
              "its LUN reset works"),
]


def report_multi(d, md):
    rows = scoped_rows(d, "multi.csv", "the multi-failure runs", md)
    if not rows:
        return
    md.append("## Several LUNs failing at once\n")
    md.append("scsi_debug, 8 targets x 2 LUNs, fio at 40 reads/s on each LUN, TMFs of 2 s; LUN 0 "
              "of 1, 4 or 8 targets fails at the same moment. TMF bound: scsi_debug's "
              "scoped_eh_tmfs, how many scoped recoveries of the host may send a TMF at once "
              "(host recovery does not use it). Siblings: the LUNs 1 of the failing targets.\n")
    for fault, flabel in MULTI_FAULTS:
        frows = [r for r in rows if r["fault"] == fault]
        if not frows:
            continue
        md.append(f"### Fault: {flabel}\n")
        md.append("| failing LUNs | scope | TMF bound | all recovered (s) | first recovered (s) "
                  "| healthy availability mean / worst | longest gap sibling / other (ms) |")
        md.append("|---|---|---|---|---|---|---|")
        series, total, av = [], {}, {}
        keys = []
        for r in frows:
            k = (r["mode"], r["tmf_bound"])
            if k not in keys:
                keys.append(k)
        counts = sorted({r["failing"] for r in frows}, key=int)
        for n in counts:
            for m, b in keys:
                sel = [r for r in frows if r["failing"] == n and r["mode"] == m and r["tmf_bound"] == b]
                if not sel:
                    continue
                ar = [int(r["all_recovered_ms"]) / 1000 for r in sel]
                fr = [int(r["first_recovered_ms"]) / 1000 for r in sel]
                am = [float(r["avail_mean_pct"]) for r in sel]
                aw = [int(r["avail_worst_pct"]) for r in sel]
                gs = max(int(r["gap_siblings_ms"]) for r in sel)
                go = max(int(r["gap_others_ms"]) for r in sel)
                label = m if m == "host" else f"{m}, bound {b}"
                if label not in series:
                    series.append(label)
                total[(n, label)] = ar
                av[(n, label)] = am
                md.append(f"| {n} | {m} | {'-' if m == 'host' else b} | {mean(ar):.1f} | {mean(fr):.1f} "
                          f"| {mean(am):.0f}% / {min(aw)}% | {gs if gs >= 0 else '-'} / "
                          f"{go if go >= 0 else '-'} |")
        md.append("")
        for s in series:
            COLOURS.setdefault(s, {"target, bound 1": "#d68910", "target, bound 4": "#f5b041",
                                   "lun, bound 1": "#229954", "lun, bound 4": "#82e0aa"}.get(s, "#888"))
        groups = [(n, f"{n} failing") for n in counts]
        bar_chart(os.path.join(d, f"multi-{fault}-recovery.svg"),
                  f"Fault '{fault}': time until every failing LUN recovered (8 targets x 2 LUNs)",
                  groups, series, total, "seconds", "{:.1f}")
        bar_chart(os.path.join(d, f"multi-{fault}-availability.svg"),
                  f"Fault '{fault}': healthy LUNs' availability until every failing LUN recovered",
                  groups, series, av, "% of their rate before the fault")
        md.append(f"![multi {fault} recovery](multi-{fault}-recovery.svg)\n")
        md.append(f"![multi {fault} availability](multi-{fault}-availability.svg)\n")


def report_fastpath(d, md):
    runs = []
    for path in sorted(glob.glob(os.path.join(d, "fastpath", "round-*-*", "fastpath-*.json"))):
        rdir = os.path.basename(os.path.dirname(path))
        _, rnd, kernel = rdir.split("-", 2)
        mode, run = os.path.basename(path)[len("fastpath-"):-len(".json")].rsplit("-", 1)
        with open(path) as f:
            text = f.read()
        data = json.loads(text[text.index("{"):])
        rd = data["jobs"][0]["read"]
        p99 = rd["clat_ns"]["percentile"]["99.000000"] / 1000
        runs.append({"round": int(rnd), "kernel": kernel, "mode": mode, "run": int(run),
                     "iops": rd["iops"], "p99_us": p99})
    if not runs:
        md.append("No fast-path runs.\n")
        return
    with open(os.path.join(d, "fastpath.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(runs[0]))
        wr.writeheader()
        wr.writerows(runs)
    rounds = sorted({r["round"] for r in runs})
    per_run = len([r for r in runs if r["round"] == rounds[0] and r["kernel"] == "unpatched"])
    md.append("## Fast-path cost\n")
    md.append(f"Error-free 4 KiB random reads, one fio process per LUN on 16 LUNs (scsi_debug "
              f"4 x 4, delay=0), as fast as 2 emulated CPUs issue them; {len(rounds)} round(s), "
              f"each booting the unpatched and the patched kernel (same .config, lockdep on), "
              f"the order swapped every round, {per_run} run(s) of 8 s per boot and mode. "
              f"Ratio: patched / unpatched, per round (means of the round's runs); "
              f"the table gives the mean of the rounds and their spread.\n")
    md.append("| kernel, scope | IOPS mean (min-max) | p99 latency mean, us (min-max) | IOPS ratio to unpatched | p99 ratio to unpatched |")
    md.append("|---|---|---|---|---|")
    base = {rnd: [r for r in runs if r["round"] == rnd and r["kernel"] == "unpatched"] for rnd in rounds}
    values = {}
    for kernel, mode in (("unpatched", "host"), ("patched", "host"), ("patched", "lun+target")):
        sel = [r for r in runs if r["kernel"] == kernel and r["mode"] == mode]
        if not sel:
            continue
        name = "unpatched" if kernel == "unpatched" else f"patched {mode}"
        iops = [r["iops"] for r in sel]
        p99 = [r["p99_us"] for r in sel]
        values[("iops", name)] = iops
        ri, rp = [], []
        for rnd in rounds:
            s = [r for r in sel if r["round"] == rnd]
            if s and base[rnd]:
                ri.append(mean([r["iops"] for r in s]) / mean([r["iops"] for r in base[rnd]]))
                rp.append(mean([r["p99_us"] for r in s]) / mean([r["p99_us"] for r in base[rnd]]))
        ratio = "1" if kernel == "unpatched" else f"{mean(ri):.3f} ({min(ri):.3f}-{max(ri):.3f})"
        pratio = "1" if kernel == "unpatched" else f"{mean(rp):.3f} ({min(rp):.3f}-{max(rp):.3f})"
        md.append(f"| {name} | {mean(iops):.0f} ({min(iops):.0f}-{max(iops):.0f}) | "
                  f"{mean(p99):.0f} ({min(p99):.0f}-{max(p99):.0f}) | {ratio} | {pratio} |")
    md.append("")
    names = [n for n in ("unpatched", "patched host", "patched lun+target") if ("iops", n) in values]
    bar_chart(os.path.join(d, "fastpath.svg"), "Error-free IOPS on 16 LUNs, unpatched vs patched kernel",
              [("iops", "IOPS (all runs)")], names, values, "reads per second")
    md.append("![fast path](fastpath.svg)\n")


def report(d):
    md = ["# Benchmark figures\n"]
    stamp = os.path.basename(os.path.normpath(d))
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    md.append(f"Run {stamp}, host {platform.node()}: {os.cpu_count()} CPUs ({cpu}); guests under "
              f"QEMU TCG (no KVM), 2 vCPUs. Kernel: Debian linux-source-6.12 with the series "
              f"(and without it for the fast path). Produced by `make bench`; the CSV files "
              f"beside this page hold every run.\n")
    report_cases(d, md)
    report_multi(d, md)
    report_fastpath(d, md)
    out = os.path.join(d, "bench.md")
    with open(out, "w") as f:
        f.write("\n".join(md) + "\n")
    log(f"report: {out}")
    print("\n".join(md))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", help="folder of this run")
    ap.add_argument("--report-only", metavar="DIR", help="write the report of an earlier run")
    ap.add_argument("--parts", default="cases,multi,fastpath",
                    help="comma-separated: cases, multi, fastpath (default: all)")
    ap.add_argument("--runs", type=int, default=2, help="repetitions of each scoped case (default 2)")
    ap.add_argument("--multi-runs", type=int, default=1,
                    help="repetitions of each multi-failure run (default 1)")
    ap.add_argument("--modes", default="host,target,lun,lun+target",
                    help="scopes of the scoped parts (default: all four; multi uses host, target, lun)")
    ap.add_argument("--counts", default="1,4,8", help="failing LUNs of the multi part (default 1,4,8)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="fast-path rounds, each one boot of either kernel (default 3)")
    ap.add_argument("--fp-runs", type=int, default=2, help="fast-path runs per boot and mode (default 2)")
    args = ap.parse_args()
    if args.report_only:
        report(args.report_only)
        return 0
    if not args.results:
        ap.error("--results or --report-only is needed")
    parts = set(args.parts.split(","))
    unknown = parts - {"cases", "multi", "fastpath"}
    if unknown:
        ap.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    os.makedirs(args.results, exist_ok=True)
    scoped = sorted(parts & {"cases", "multi"})
    if scoped:
        boot("patched", "bench", os.path.join(args.results, "scoped"),
             f"scsitest.parts={','.join(scoped)} scsitest.runs={args.runs} "
             f"scsitest.mruns={args.multi_runs} "
             f"scsitest.modes={args.modes} scsitest.counts={args.counts}", 3600 * 3)
    if "fastpath" in parts:
        for rnd in range(1, args.rounds + 1):
            order = ["unpatched", "patched"] if rnd % 2 else ["patched", "unpatched"]
            for kernel in order:
                boot(kernel, "fastpath", os.path.join(args.results, "fastpath", f"round-{rnd}-{kernel}"),
                     f"scsitest.runs={args.fp_runs}", 1200)
    report(args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
