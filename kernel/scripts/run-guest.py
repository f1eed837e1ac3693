#!/usr/bin/env python3
"""Boot the test kernel under QEMU (TCG), stream the guest's KTAP, judge the run.

The guest's kernel console goes to ttyS0 (console.log), its KTAP report to
ttyS1 (ktap.log), both under the results folder.  The run fails when a test
fails, when a planned test reports nothing, when the guest outlives its bound,
or when the kernel console shows a WARNING, BUG, oops, lockdep, KASAN or
hung-task report, whatever the tests said.  The last line printed is
"N passed, N failed[, N skipped]".
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

# Kernel console lines (printk time stamp first) that fail the run.
KERNEL_ERRORS = re.compile(
    r"\[\s*\d+\.\d+\]\s.*("
    r"WARNING:|BUG:|Oops|Kernel panic|general protection fault|"
    r"INFO: task .* blocked for more than|"
    r"possible circular locking dependency|possible recursive locking|"
    r"inconsistent lock state|DEBUG_LOCKS_WARN_ON|"
    r"turning off the locking correctness validator|"
    r"INFO: trying to register non-static key|"
    r"KASAN|UBSAN|kernel BUG at|Call Trace:|"
    r"RCU detected stall|rcu_sched self-detected stall|soft lockup|hard LOCKUP)"
)

KTAP_RESULT = re.compile(r"^(not ok|ok) (\d+) (\S+)(.*)$")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# virtio-scsi for the guest's test 29 (guest/tests/29-virtio_scsi_lun_scope.sh):
# one controller, target 0 with LUNs 0-2 on sparse raw image files and LUN 3
# on a null-co node whose every request takes VSCSI_SLOW_NS to complete.  The
# guest loads virtio_scsi only in that test, so no other test sees them.
VSCSI_LUNS = 3
VSCSI_SLOW_NS = 4_000_000_000
VSCSI_MIB = 64


def virtio_scsi_devices(results):
    args = ["-device", "virtio-scsi-pci,id=vscsi0"]
    for lun in range(VSCSI_LUNS):
        img = os.path.join(results, f"vscsi-lun{lun}.img")
        with open(img, "wb") as f:
            f.truncate(VSCSI_MIB << 20)
        args += [
            "-blockdev", f"driver=file,node-name=vfile{lun},filename={img}",
            "-blockdev", f"driver=raw,node-name=vlun{lun},file=vfile{lun}",
            "-device", f"scsi-hd,bus=vscsi0.0,scsi-id=0,lun={lun},drive=vlun{lun}",
        ]
    args += [
        "-blockdev", f"driver=null-co,node-name=vslow,size={VSCSI_MIB << 20},"
                     f"latency-ns={VSCSI_SLOW_NS},read-zeroes=on",
        "-device", f"scsi-hd,bus=vscsi0.0,scsi-id=0,lun={VSCSI_LUNS},drive=vslow",
    ]
    return args


# QEMU's megasas-gen2 (an LSI SAS2108, which megaraid_sas drives on its MFI
# path) with one disk, for test 33 (guest/tests/33-megaraid_sas_mfi.sh).
def megasas_devices(results):
    img = os.path.join(results, "megasas-disk0.img")
    with open(img, "wb") as f:
        f.truncate(VSCSI_MIB << 20)
    return [
        "-device", "megasas-gen2,id=mega0",
        "-blockdev", f"driver=file,node-name=mfile0,filename={img}",
        "-blockdev", "driver=raw,node-name=mdisk0,file=mfile0",
        "-device", "scsi-hd,bus=mega0.0,scsi-id=0,lun=0,drive=mdisk0",
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--results", required=True, help="folder for this run's logs")
    ap.add_argument("--tests", default="", help="comma-separated test names (default: all)")
    ap.add_argument("--mode", default="test", choices=["test", "demo", "bench", "fastpath", "trace"])
    ap.add_argument("--timeout", type=int, default=2400, help="bound on the whole guest run (s)")
    ap.add_argument("--test-bound", type=int, default=600, help="bound on one test (s)")
    ap.add_argument("--memory", default="2048")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    args = ap.parse_args()

    if not shutil.which(args.qemu):
        sys.exit(f"error: {args.qemu} not found (apt-get install qemu-system-x86)")
    for f in (args.kernel, args.initrd):
        if not os.path.exists(f):
            sys.exit(f"error: {f} missing (make kernel initramfs)")

    os.makedirs(args.results, exist_ok=True)
    console = os.path.join(args.results, "console.log")
    ktap = os.path.join(args.results, "ktap.log")
    for f in (console, ktap):
        open(f, "w").close()

    cmdline = " ".join(filter(None, [
        "console=ttyS0,115200 printk.time=1 panic=-1 hung_task_panic=0",
        "tsc=reliable no_timer_check",
        f"scsitest.mode={args.mode}",
        f"scsitest.tests={args.tests}" if args.tests else "",
        f"scsitest.bound={args.test_bound}",
        f"scsitest.vscsi_slow_ms={VSCSI_SLOW_NS // 1_000_000}" if args.mode == "test" else "",
        args.append,
    ]))
    cmd = [
        args.qemu, "-machine", "pc", "-accel", "tcg", "-cpu", "max",
        "-smp", "2", "-m", args.memory,
        "-nodefaults", "-display", "none", "-no-reboot",
        "-kernel", args.kernel, "-initrd", args.initrd, "-append", cmdline,
        "-serial", f"file:{console}", "-serial", f"file:{ktap}",
    ]
    if args.mode == "test":
        cmd += virtio_scsi_devices(args.results)
        cmd += megasas_devices(args.results)
    with open(os.path.join(args.results, "qemu-cmdline.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")

    log(f"boot: {args.mode} run, tests: {args.tests or 'all'}; console: {console}")
    start = time.time()
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=open(os.path.join(args.results, "qemu.log"), "w"),
                            stderr=subprocess.STDOUT)

    results = {}        # name -> "pass" | "fail" | "skip"
    order = []
    plan = None
    pos = 0
    buf = ""
    booted = False
    timed_out = False
    files = {}          # name -> lines, from #@file-begin/#@file-end
    current_file = None
    last_note = start

    def handle(line):
        nonlocal plan, current_file
        if line.startswith("#@file-begin "):
            current_file = line.split(" ", 1)[1].strip()
            files[current_file] = []
            return
        if line.startswith("#@file-end"):
            current_file = None
            return
        if current_file is not None and line.startswith("#@ "):
            files[current_file].append(line[3:])
            return
        if line.startswith("#@"):
            files.setdefault(current_file or "orphan", []).append(line[3:])
            return
        m = KTAP_RESULT.match(line)
        if m:
            ok, _, name, rest = m.groups()
            state = "skip" if "# SKIP" in rest else ("pass" if ok == "ok" else "fail")
            results[name] = state
            order.append(name)
            log(f"{state.upper():4} {name}")
            return
        if line.startswith("1.."):
            plan = int(line[3:])
            log(f"guest: {plan} test(s) planned")
            return
        if line.startswith("KTAP version"):
            return
        print("    " + line, flush=True)

    while True:
        running = qemu.poll() is None
        with open(ktap, "r", errors="replace") as f:
            f.seek(pos)
            chunk = f.read()
            pos = f.tell()
        if chunk:
            if not booted:
                booted = True
                log(f"boot: guest up after {time.time() - start:.0f} s")
            buf += chunk.replace("\r", "")
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                handle(line)
        if not running:
            break
        if time.time() - start > args.timeout:
            timed_out = True
            log(f"guest did not finish within {args.timeout} s: stopping it")
            qemu.kill()
            qemu.wait()
            continue
        if time.time() - last_note > 60:
            last_note = time.time()
            log(f"guest running, {time.time() - start:.0f} s")
        time.sleep(0.5)
    if buf.strip():
        handle(buf.strip())
    elapsed = time.time() - start
    log(f"guest finished after {elapsed:.0f} s")

    for name, lines in files.items():
        with open(os.path.join(args.results, name), "w") as f:
            f.write("\n".join(lines) + "\n")
        log(f"result file: {os.path.join(args.results, name)}")

    # The kernel console decides too.
    problems = []
    with open(console, errors="replace") as f:
        for line in f:
            if KERNEL_ERRORS.search(line):
                problems.append(line.rstrip())
    failed_extra = []
    if problems:
        log(f"FAIL kernel console: {len(problems)} report(s) of a kernel fault:")
        for p in problems[:20]:
            print("    " + p)
        failed_extra.append("kernel_console")
    if timed_out:
        failed_extra.append("guest_bound")
    if not booted:
        log("FAIL the guest never reported (see console.log)")
        failed_extra.append("guest_boot")
    if plan is not None:
        missing = plan - len(order)
        if missing > 0:
            log(f"FAIL {missing} planned test(s) reported no result")
            failed_extra += [f"missing_{i}" for i in range(missing)]
    if args.mode == "test" and args.tests:
        if plan == 0:
            log(f"FAIL no test matches '{args.tests}'")
            failed_extra.append("no_match")

    passed = sum(1 for v in results.values() if v == "pass")
    failed = sum(1 for v in results.values() if v == "fail") + len(failed_extra)
    skipped = sum(1 for v in results.values() if v == "skip")
    with open(os.path.join(args.results, "summary.txt"), "w") as f:
        for name in order:
            f.write(f"{results[name]} {name}\n")
        for name in failed_extra:
            f.write(f"fail {name}\n")
        f.write(f"guest seconds {elapsed:.0f}\n")
    if args.mode != "test":
        log(f"{args.mode}: {'FAILED' if failed else 'finished'}; logs and figures in {args.results}")
        return 1 if failed else 0
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary, flush=True)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
