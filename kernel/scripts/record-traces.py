#!/usr/bin/env python3
"""Record traces of real recoveries for the visualizer's engine to be checked against.

Boots the patched or the unpatched kernel once in trace mode (guest/trace.sh)
for the cases named, and writes one trace file per case into traces/ (of this
kernel/ directory, unless --out says otherwise): NAME.trace.gz, gzip'd text
with a header (kernel version, the case, the engine scenario it mirrors and the
command that made it) and three kinds of sections: the ftrace buffer, the
kernel log, and each LUN's fio completion log.

    scripts/record-traces.py --kernel base --cases host-lun-reset,host-bus-reset
    scripts/record-traces.py --kernel patched            # every patched case

The raw files the guest sent stay under the results folder.
"""

import argparse
import base64
import copy
import datetime
import gzip
import io
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TOP)
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
KERNELS = {
    "patched": (os.path.join(BUILD, "obj/arch/x86/boot/bzImage"),
                os.path.join(BUILD, "initramfs.cpio")),
    "base": (os.path.join(BUILD, "obj-base/arch/x86/boot/bzImage"),
             os.path.join(BUILD, "initramfs-base.cpio")),
}
HOST_CASES = ["host-abort-ok", "host-lun-reset", "host-target-reset", "host-bus-reset",
              "host-tur-offline", "host-medium-error"]
ROWS = [f"{s}-{r}" for s, rows in (
    ("s1", ["lun-ok-tur-ok", "lun-ok-tur-fails", "lun-fails"]),
    ("s2", ["lun-ok-tur-ok", "lun-ok-tur-fails", "lun-fails", "lun-fails-tur-fails",
            "target-fails"]),
    ("s3", ["lun-ok-tur-ok", "lun-ok-tur-fails", "lun-fails", "lun-fails-tur-fails",
            "target-fails"])) for r in rows]
SCOPES = ["host", "target", "lun", "lun-target"]
PATCHED_CASES = ROWS + ["demo-lun", "demo-host", "two-lun", "two-host", "demo-target",
                        "demo-lun-target", "two-target", "two-lun-target"]
DEFAULT = {"base": HOST_CASES, "patched": PATCHED_CASES}
LOAD = "?"
DISPATCH = re.compile(r"scsi_dispatch_cmd_(?:start|done): host_no=(\d+) channel=(\d+) id=(\d+) lun=(\d+) ")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_preset(name):
    with open(os.path.join(REPO, "scenarios", f"{name}.json")) as f:
        return json.load(f)


def scenario_of(case):
    """(preset name, engine scenario) the case mirrors, with what the guest does differently."""
    if case.startswith("host-"):
        sc = load_preset(case)
        # The unpatched kernel's scsi_debug has no tmf_delay_ms: its TMFs take no time.
        sc["timings"]["tmf"] = 0
        sc["description"] += " Recorded on the unpatched kernel, whose scsi_debug TMFs take no time."
        return case, sc
    if case.startswith("demo-"):
        name = "demo" if case == "demo-host" else case
        return name, load_preset(name)
    if case.startswith("two-"):
        scope = case[len("two-"):].replace("lun-target", "lun+target")
        sc = copy.deepcopy(load_preset("s1-lun-ok-tur-ok"))
        sc["name"] = f"Two LUNs of two targets fail at once ({scope})"
        sc["description"] = ("LUN 0:0 and LUN 1:0 of 2 x 4: the next READ on each gets no answer "
                             "and its abort fails once; TMFs of 0.5 s.")
        sc["hosts"][0]["scope"] = scope
        sc["faults"] = []
        for lun in ("0:0:0:0", "0:0:1:0"):
            sc["faults"] += [{"lun": lun, "kind": "timeout", "at": 2},
                             {"lun": lun, "kind": "abort-fails", "at": 0}]
        return None, sc
    return case, load_preset(case)


def config_hz(kernel):
    """CONFIG_HZ of the kernel's .config (0 when unknown)."""
    obj = "obj" if kernel == "patched" else "obj-base"
    try:
        with open(os.path.join(BUILD, obj, ".config")) as f:
            for line in f:
                if line.startswith("CONFIG_HZ="):
                    return int(line.split("=", 1)[1])
    except OSError:
        pass
    return 0


def armed_at(scenario, ftrace):
    """A scenario of our own (no preset): its faults at the times the guest armed them.

    The guest arms the failing LUNs one after the other, some 0.1-0.2 s apart under TCG;
    the timeouts' order follows.
    """
    start = None
    armed = {}
    for line in ftrace.splitlines():
        m = re.search(r" (\d+\.\d+): tracing_mark_write: scsitrace: (.*)$", line)
        if not m:
            continue
        t, text = float(m.group(1)), m.group(2).strip()
        if text == "run-start":
            start = t
        f = re.match(r"fault on=\d+:(\d+:\d+:\d+) kind=timeout", text)
        if f and start is not None:
            armed["0:" + f.group(1)] = round(t - start, 3)
    for f in scenario["faults"]:
        if f["kind"] == "timeout" and f["lun"] in armed:
            f["at"] = armed[f["lun"]]


def boot(kernel, cases, results, timeout):
    image, initrd = KERNELS[kernel]
    cmd = [os.path.join(TOP, "scripts/run-guest.py"), "--kernel", image, "--initrd", initrd,
           "--mode", "trace", "--results", results, "--timeout", str(timeout),
           "--append", f"scsitrace.cases={','.join(cases)} scsitrace.hz={config_hz(kernel)}"]
    log(f"{kernel} kernel, trace boot for {len(cases)} case(s), results in {results}")
    return subprocess.call(cmd)


def series_note(kernel):
    if kernel == "base":
        return "none (unpatched Linux 6.12 as Debian ships it)"
    with open(os.path.join(TOP, "patches", "series")) as f:
        n = sum(1 for line in f if line.strip() and not line.startswith("#"))
    return f"{n} patches of kernel/patches/series"


def write_trace(case, kernel, raw_dir, out_dir, command):
    b64 = os.path.join(raw_dir, f"{case}.tgz.b64")
    if not os.path.exists(b64):
        log(f"{case}: the guest sent nothing")
        return False
    with open(b64) as f:
        data = base64.b64decode("".join(f.read().split()))
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for m in tar.getmembers():
            if m.isfile():
                files[os.path.basename(m.name)] = tar.extractfile(m).read().decode(errors="replace")
    case_dir = os.path.join(raw_dir, case)
    os.makedirs(case_dir, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(case_dir, name), "w") as f:
            f.write(text)
    info = dict(line.split("=", 1) for line in files.get("info", "").splitlines() if "=" in line)
    preset, scenario = scenario_of(case)
    if preset is None:
        armed_at(scenario, files.get("ftrace", ""))
    lines = [
        "# scsi-eh-trace 1",
        f"# case: {case}",
        f"# kernel: Linux {info.get('kernel', '?')} {info.get('kernel_version', '')}".rstrip(),
        f"# series: {series_note(kernel)}",
        f"# preset: {preset}" if preset else "# preset: none (the scenario below)",
        "# scenario: " + json.dumps(scenario, separators=(",", ":")),
        f"# command: {command}",
        f"# recorded: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}"
        f" under QEMU TCG (2 vCPUs) on {platform.node() or 'this machine'},"
        f" host load average {LOAD}",
        f"# guest: scsi_debug {info.get('topology', '?')} ({info.get('params', '')}),"
        f" failing {info.get('failing', '').strip()}, faults: {info.get('steps', '')}",
        f"# resets (aborts,lun,target,bus,host as scsi_debug counted them): {info.get('resets', '?')}",
    ]
    for line in files.get("info", "").splitlines():
        if line.startswith("state "):
            lines.append(f"# final {line}")
    # Trimmed: the dispatch and completion of every command of a healthy LUN are left
    # out (fio's log has its completions); the failing LUNs keep theirs.
    failing = set(info.get("failing", "").split())
    kept = dropped = 0
    lines.append("#@ftrace")
    for line in files.get("ftrace", "").rstrip("\n").splitlines():
        m = DISPATCH.search(line)
        if m and ":".join(m.groups()) not in failing:
            dropped += 1
            continue
        kept += 1
        lines.append(line)
    lines.insert(lines.index("#@ftrace"), f"# trimmed: {dropped} scsi_dispatch_cmd_start/done"
                 " events of healthy LUNs left out (their completions are in fio's logs)")
    lines.append("#@dmesg")
    lines += files.get("dmesg", "").rstrip("\n").splitlines()
    for name in sorted(files):
        if name.startswith("fio-") and name.endswith(".log"):
            hctl, dev = name[len("fio-"):-len(".log")].rsplit("-", 1)
            lines.append(f"#@fio {hctl} {dev}")
            lines += files[name].rstrip("\n").splitlines()
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, f"{case}.trace.gz")
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode())
    log(f"{case}: {out} ({os.path.getsize(out) // 1024} KiB)")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", choices=sorted(KERNELS), required=True)
    ap.add_argument("--cases", default="", help="comma-separated (default: every case of the kernel)")
    ap.add_argument("--results", required=True, help="folder for the raw files")
    ap.add_argument("--out", default=os.path.join(TOP, "traces"))
    ap.add_argument("--timeout", type=int, default=3600)
    ap.add_argument("--rewrite", action="store_true",
                    help="no boot: write the trace files again from the raw files under --results")
    args = ap.parse_args()
    cases = [c for c in args.cases.split(",") if c] or DEFAULT[args.kernel]
    known = set(HOST_CASES) | set(PATCHED_CASES)
    bad = [c for c in cases if c not in known]
    if bad:
        sys.exit(f"record-traces: unknown case(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
    command = f"make -C kernel traces KERNEL={args.kernel} CASES={','.join(cases)}"
    global LOAD
    before = os.getloadavg()[0]
    rc = 0 if args.rewrite else boot(args.kernel, cases, args.results, args.timeout)
    LOAD = f"{before:.1f} before the boot, {os.getloadavg()[1]:.1f} over its last 5 minutes"
    ok = [write_trace(c, args.kernel, args.results, args.out, command) for c in cases]
    log(f"{sum(ok)} of {len(cases)} trace(s) written to {args.out}")
    return 0 if rc == 0 and all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
