# Guest-side test helpers (POSIX sh, busybox).  Sourced by the runner and by
# every test.  Conventions:
#   - a test reports with diag/expect_*; test_end turns the tally into its
#     exit status; die ends a test at once (setup failure); skip exits 4.
#   - devices are named by H:C:T:L; sd_of/sg_of map them to block and sg
#     nodes.
#   - everything a test starts (scsi_debug, fio, faults, tracing) is undone by
#     cleanup_all, which the runner calls after each test.

: "${KTAP_OUT:=/dev/ttyS1}"
TEST_NAME=${TEST_NAME:-}
TEST_FAILS=0
SDEBUG_DBG=/sys/kernel/debug/scsi_debug
TRACEFS=/sys/kernel/tracing
FIO_DIR=/tmp/fio

# cmdline_arg NAME [DEFAULT]: the value of NAME=... on the kernel command
# line; DEFAULT (and status 1 when there is none) if it is not there.
cmdline_arg() {
	for _w in $(cat /proc/cmdline); do
		case "$_w" in
		"$1="*) echo "${_w#*=}"; return 0 ;;
		esac
	done
	[ $# -ge 2 ] || return 1
	echo "$2"
}

# ---------------------------------------------------------------- reporting

ktap() {
	echo "$*" > "$KTAP_OUT"
	echo "ktap: $*"
}

diag() {
	ktap "# ${TEST_NAME:+$TEST_NAME: }$*"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# Wall clock in milliseconds (fio's log_unix_epoch uses the same clock).
now_ms() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%.0f\n", s * 1000 + int(u / 1000) }'
}

fail() {
	diag "FAIL: $*"
	TEST_FAILS=$((TEST_FAILS + 1))
}

pass() {
	diag "ok: $*"
}

die() {
	diag "FATAL: $*"
	exit 1
}

skip() {
	diag "SKIP: $*"
	exit 4
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then
		pass "$3 is '$1'"
	else
		fail "$3 is '$1', expected '$2'"
	fi
}

# expect_ne ACTUAL UNWANTED WHAT
expect_ne() {
	if [ "$1" != "$2" ]; then
		pass "$3 is '$1' (not '$2')"
	else
		fail "$3 is '$1'"
	fi
}

# expect_cmp A OP B WHAT  -- numeric comparison, OP one of < <= > >= ==
expect_cmp() {
	if awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		r = (op == "<") ? a < b : (op == "<=") ? a <= b :
		    (op == ">") ? a > b : (op == ">=") ? a >= b : a == b
		exit !r }'; then
		pass "$4: $1 $2 $3"
	else
		fail "$4: $1 is not $2 $3"
	fi
}

test_end() {
	if [ "$TEST_FAILS" -eq 0 ]; then
		exit 0
	fi
	diag "$TEST_FAILS check(s) failed"
	exit 1
}

# Emit a guest file to the host: it lands in the results folder as NAME.
emit_file() {
	ktap "#@file-begin $1"
	sed 's/^/#@ /' "$2" > "$KTAP_OUT"
	ktap "#@file-end $1"
}

# Poll until a shell condition holds: wait_for SECONDS CONDITION...
wait_for() {
	_w_n=$(($1 * 10))
	shift
	while [ "$_w_n" -gt 0 ]; do
		if eval "$@"; then
			return 0
		fi
		sleep 0.1
		_w_n=$((_w_n - 1))
	done
	return 1
}

# ------------------------------------------------------------- scsi_debug

SDEBUG_HOST=
SDEBUG_NDEV=0

sdebug_unload() {
	[ -d /sys/module/scsi_debug ] || return 0
	i=0
	while [ -d /sys/module/scsi_debug ]; do
		rmmod scsi_debug 2>/dev/null && break
		i=$((i + 1))
		[ $i -ge 100 ] && { echo "helpers: rmmod scsi_debug keeps failing" >&2; return 1; }
		sleep 0.2
	done
	return 0
}

# sdebug_load TARGETS LUNS [module parameters...]
# Loads scsi_debug with one host of TARGETS x LUNS disks and waits until every
# disk has its block device.  Sets SDEBUG_HOST (host number).
sdebug_load() {
	_tg=$1
	_lu=$2
	shift 2
	sdebug_unload || die "could not unload scsi_debug"
	modprobe scsi_debug num_tgts="$_tg" max_luns="$_lu" dev_size_mb=16 \
		"$@" || die "modprobe scsi_debug $* failed"
	SDEBUG_HOST=
	for h in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*; do
		[ -d "$h" ] || continue
		SDEBUG_HOST=${h##*/host}
	done
	[ -n "$SDEBUG_HOST" ] || die "scsi_debug host not found"
	SDEBUG_NDEV=$((_tg * _lu))
	wait_for 60 '[ "$(sdebug_ndisks)" -eq "$SDEBUG_NDEV" ]' ||
		die "only $(sdebug_ndisks) of $SDEBUG_NDEV disks appeared"
	for t in $(seq 0 $((_tg - 1))); do
		for l in $(seq 0 $((_lu - 1))); do
			_d=$(sd_of "$(hctl "$(tid "$t")" "$l")")
			wait_for 20 "[ -b /dev/$_d ]" || die "no /dev/$_d"
		done
	done
}

sdebug_ndisks() {
	ls -d /sys/bus/scsi/devices/"$SDEBUG_HOST":0:*:*/block/* 2>/dev/null | wc -l
}

# hctl TARGET LUN -> H:0:T:L on the scsi_debug host
hctl() {
	echo "$SDEBUG_HOST:0:$1:$2"
}

# tid INDEX: the target id of scsi_debug's INDEX-th target (from 0).  Its host
# has SCSI id 7, so with more than 7 targets they are 0-6, 8, 9...
tid() {
	if [ "$1" -lt 7 ]; then echo "$1"; else echo $(($1 + 1)); fi
}

sd_of() {
	ls /sys/bus/scsi/devices/"$1"/block 2>/dev/null | head -n 1
}

sg_of() {
	ls /sys/bus/scsi/devices/"$1"/scsi_generic 2>/dev/null | head -n 1
}

dev_state() {
	cat /sys/bus/scsi/devices/"$1"/state 2>/dev/null || echo gone
}

host_state() {
	cat /sys/class/scsi_host/host"$SDEBUG_HOST"/state
}

set_timeout() {
	echo "$2" > /sys/bus/scsi/devices/"$1"/timeout ||
		die "cannot set timeout of $1"
}

# inject HCTL "SPEC" -- see Documentation for scsi_debug's per-device error
# file: "TYPE COUNT OPCODE [...]", COUNT < 0 means |COUNT| times, > 0 always.
inject() {
	echo "$2" > "$SDEBUG_DBG/$1/error" || die "cannot inject '$2' on $1"
}

# target_reset_fails HOST:0:TARGET Y|N
target_reset_fails() {
	echo "$2" > "$SDEBUG_DBG/target$1/fail_reset" ||
		die "cannot set fail_reset on target$1"
}

# resets KIND -> how many KIND (device|target|bus|host) resets scsi_debug saw
resets() {
	sed -n 's/^RESETs: *//p' /proc/scsi/scsi_debug/"$SDEBUG_HOST" |
		tr ',' '\n' | sed -n "s/^ *$1=//p"
}

aborts() {
	sed -n 's/.*command aborts=\([0-9]*\).*/\1/p' \
		/proc/scsi/scsi_debug/"$SDEBUG_HOST"
}

# Does the next TEST UNIT READY on HCTL report a unit attention?  Prints its
# ASC/ASCQ ("29/02" is "SCSI bus reset occurred") when it does, else "none".
# scsi_debug answers in fixed-format sense: ASC and ASCQ are bytes 12, 13.
pending_ua() {
	_o=$(sg_turs -vvv /dev/"$(sg_of "$1")" 2>&1)
	case "$_o" in
	*"Sense key: Unit Attention"*)
		echo "$_o" | awk '/Raw sense data/ { getline; print $13 "/" $14; exit }'
		;;
	*) echo none ;;
	esac
}

# fault_steps HCTL STEP...: make the next READ(10) on HCTL time out, and make
# the recovery steps named fail once each: abort, lun (LUN reset), target
# (target reset; stays failing until the module is reloaded); lun_always:
# every LUN reset of HCTL fails.  The steps are
# armed first, so the fault takes effect with the last write.
fault_steps() {
	fault_arm "$@"
	fault_timeout "$1"
}

# fault_arm HCTL STEP...: only the failing steps of fault_steps.
fault_arm() {
	_fh=$1
	shift
	for _st in "$@"; do
		case "$_st" in
		abort) inject "$_fh" "3 -1 0x28" ;;
		lun) inject "$_fh" "4 -1 0x28" ;;
		lun_always) inject "$_fh" "4 1 0x28" ;;
		target) target_reset_fails "${_fh%:*}" Y ;;
		*) die "fault_steps: unknown step $_st" ;;
		esac
	done
}

# fault_timeout HCTL: the next READ(10) on HCTL gets no answer.
fault_timeout() {
	inject "$1" "0 -1 0x28"
}

# fail_read HCTL: make the next READ(10) on HCTL complete at once with
# DID_TIME_OUT.  The mid-layer hands it straight to error recovery, with no
# timeout and no abort first (aborts run one at a time per host, which would
# space the recoveries of several LUNs apart by themselves).
fail_read() {
	inject "$1" "2 -1 0x28 0x03 0 0 0 0 0"
}

# fail_reads_at_once HCTL...: every HCTL's next READ fails at once
# (fail_read), all started together; waits up to 60 s for each to end (see
# read_rc HCTL for its status).
fail_reads_at_once() {
	for _fr in "$@"; do
		set_timeout "$_fr" 2
		fail_read "$_fr"
	done
	for _fr in "$@"; do
		read_start "$_fr" "$(sd_of "$_fr")"
	done
	for _fr in "$@"; do
		read_wait "$_fr" 60 || fail "the read on $_fr did not end within 60 s"
	done
}

# tur_fails HCTL: the next TEST UNIT READY on HCTL fails (DID_NO_CONNECT).
tur_fails() {
	inject "$1" "2 -1 0x00 0x01 0 0 0 0 0"
}

# ------------------------------------------------------- scoped recovery

# The trace events of scoped recovery, and the host error handler's wake-up
# (none of those means the host never entered recovery).
EH_EVENTS="scsi/scsi_eh_wakeup scsi/scsi_eh_scoped_start scsi/scsi_eh_scoped_step
	scsi/scsi_eh_scoped_escalate scsi/scsi_eh_scoped_end"

# eh_attr HCTL NAME: one of HCTL's scoped-recovery attributes (eh_scope,
# eh_state, eh_recoveries, eh_lun_resets, eh_escalations, eh_blocked_ms);
# "gone" when the device or the attribute does not exist.
eh_attr() {
	cat /sys/bus/scsi/devices/"$1"/"$2" 2>/dev/null || echo gone
}

# eh_scope_set HCTL VALUE: write VALUE to HCTL's eh_scope; returns the
# write's status.
eh_scope_set() {
	(echo "$2" > /sys/bus/scsi/devices/"$1"/eh_scope) 2>/dev/null
}

# need_scoped_eh HCTL: end the test at once on a kernel without scoped
# recovery, rather than fail every check that follows.
need_scoped_eh() {
	[ -f /sys/bus/scsi/devices/"$1"/eh_scope ] ||
		die "$1 has no eh_scope attribute: kernel without scoped recovery"
}

# wait_eh_idle HCTL SECONDS: until HCTL's scoped recovery is over.
wait_eh_idle() {
	_wi_h=$1
	wait_for "$2" '[ "$(eh_attr "$_wi_h" eh_state)" = idle ]'
}

# wait_eh_busy HCTL SECONDS: until HCTL is in scoped recovery (waiting for
# its commands or running its ladder).
wait_eh_busy() {
	_wb_h=$1
	wait_for "$2" 'case "$(eh_attr "$_wb_h" eh_state)" in
		waiting | running) true ;; *) false ;; esac'
}

# tmf_delay VALUE: write scsi_debug's tmf_delay_ms at run time; returns the
# write's status.
tmf_delay() {
	(echo "$1" > /sys/module/scsi_debug/parameters/tmf_delay_ms) 2>/dev/null
}

# ------------------------------------------------------------------ tracing

trace_start() {
	echo 0 > $TRACEFS/tracing_on
	echo > $TRACEFS/trace
	echo 8192 > $TRACEFS/buffer_size_kb
	for e in "$@"; do
		echo 1 > "$TRACEFS/events/$e/enable" || die "no trace event $e"
	done
	echo 1 > $TRACEFS/tracing_on
}

trace_stop() {
	echo 0 > $TRACEFS/tracing_on
	echo 0 > $TRACEFS/events/enable
}

# trace_count EVENT_NAME [PATTERN]
trace_count() {
	grep " $1:" $TRACEFS/trace | grep -c -- "${2:-}"
}

# trace_times EVENT_NAME [PATTERN]: the time stamps (s) of the matching
# events, one a line, in the order recorded.
trace_times() {
	grep " $1:" $TRACEFS/trace | grep -- "${2:-}" |
		awk -v ev="$1:" '{ for (i = 2; i <= NF; i++) if ($i == ev) {
			t = $(i - 1); sub(/:$/, "", t); print t; break } }'
}

# ---------------------------------------------------------------------- I/O

# read_block DEV [LBA]: one direct 4 KiB read; prints the exit status of dd.
read_block() {
	dd if=/dev/"$1" of=/dev/null bs=4096 count=1 skip="${2:-0}" \
		iflag=direct 2>/tmp/dd.err
	echo $?
}

# read_start TAG DEV [LBA]: read_block in the background.  When the read
# ends, its exit status lands in /tmp/read-TAG.rc (and dd's messages in
# /tmp/read-TAG.err).
read_start() {
	rm -f /tmp/read-"$1".rc
	(dd if=/dev/"$2" of=/dev/null bs=4096 count=1 skip="${3:-0}" \
		iflag=direct 2>/tmp/read-"$1".err
	echo $? > /tmp/read-"$1".rc.new
	mv /tmp/read-"$1".rc.new /tmp/read-"$1".rc) &
}

# read_rc TAG: the exit status of a read_start read, or "running".
read_rc() {
	cat /tmp/read-"$1".rc 2>/dev/null || echo running
}

# read_wait TAG SECONDS: until the read_start read TAG has ended.
read_wait() {
	wait_for "$2" "[ -f /tmp/read-$1.rc ]"
}

# fio_start NAME SECONDS DEV...: steady 4 KiB random reads, one fio process
# per device, every completion logged with its wall-clock time (ms).  With
# FIO_RATE set, each device reads at most FIO_RATE times a second; FIO_EXTRA
# adds fio options.
fio_start() {
	_n=$1
	_s=$2
	shift 2
	mkdir -p "$FIO_DIR"
	for d in "$@"; do
		awk '{ print $1 }' /sys/block/"$d"/stat > "$FIO_DIR/$d.reads0"
		fio --name="$d" --filename=/dev/"$d" --rw=randread --bs=4k \
			--direct=1 --ioengine=psync --time_based \
			${FIO_RATE:+--rate_iops=$FIO_RATE} ${FIO_EXTRA:-} \
			--runtime="$_s" --size=8m \
			--write_lat_log="$FIO_DIR/$_n-$d" --log_avg_msec=0 \
			--log_unix_epoch=1 --output="$FIO_DIR/$_n-$d.out" \
			> /dev/null 2>&1 &
		echo $! >> "$FIO_DIR/pids"
	done
}

# fio_wait_started DEV...: until fio has completed reads on every DEV (fio
# writes its logs only when it ends, so the block layer's counters tell).
fio_wait_started() {
	for d in "$@"; do
		wait_for 60 "[ \$(awk '{ print \$1 }' /sys/block/$d/stat) -gt \$((\$(cat $FIO_DIR/$d.reads0) + 5)) ]" ||
			die "fio on $d did not start within 60 s"
	done
}

fio_wait() {
	[ -f "$FIO_DIR/pids" ] || return 0
	for p in $(cat "$FIO_DIR/pids"); do
		wait "$p" 2>/dev/null
	done
	rm -f "$FIO_DIR/pids"
}

fio_log() {
	echo "$FIO_DIR/$1-$2_clat.1.log"
}

# fio_gap NAME DEV [FROM_MS TO_MS]: longest interval in ms without a
# completion on DEV, over the window (default: the whole run).  The window's
# edges count as completions, so a device that stalls through the whole window
# reports the window's length.
fio_gap() {
	awk -F, -v from="${3:-0}" -v to="${4:-0}" '
		{ t = $1 + 0
		  if (from && t < from) next
		  if (to && t > to) next
		  if (n && t - last > gap) gap = t - last
		  if (!n && from && t - from > gap) gap = t - from
		  last = t; n++ }
		END { if (!n && from && to) gap = to - from
		      else if (to && to - last > gap) gap = to - last
		      printf "%d\n", gap }' "$(fio_log "$1" "$2")"
}

# fio_count NAME DEV [FROM_MS TO_MS]: completions in the window
fio_count() {
	awk -F, -v from="${3:-0}" -v to="${4:-0}" '
		{ t = $1 + 0
		  if (from && t < from) next
		  if (to && t > to) next
		  n++ }
		END { printf "%d\n", n }' "$(fio_log "$1" "$2")"
}

# fio_window NAME WHAT HCTL DEV FROM_MS TO_MS CSV FAILING: how fio's reads on
# DEV (HCTL) went from FROM_MS to TO_MS, while FAILING recovered: appends
# "hctl,dev,window_ms,reads_4s_before,reads_window,availability_pct,
# longest_gap_ms" to CSV (availability: the window's read rate against the
# 4 s before it) and checks that DEV kept completing reads.  WHAT prefixes
# the messages.
fio_window() {
	_fw=$(($6 - $5))
	_fb=$(fio_count "$1" "$4" $(($5 - 4000)) "$5")
	_fc=$(fio_count "$1" "$4" "$5" "$6")
	_fg=$(fio_gap "$1" "$4" "$5" "$6")
	_fa=$(awk -v c="$_fc" -v b="$_fb" -v w="$_fw" 'BEGIN {
		if (b > 0 && w > 0) printf "%.0f", 100 * (c / w) / (b / 4000)
		else print 0 }')
	echo "$3,$4,$_fw,$_fb,$_fc,$_fa,$_fg" >> "$7"
	diag "$2: $3 ($4): $_fc reads in the $_fw ms window ($_fa% of its rate before), longest gap $_fg ms"
	expect_cmp "$_fc" ">" 0 "$2: reads completed on $3 while $8 recovered"
	expect_cmp "$_fg" "<" "$_fw" "$2: longest gap on $3 against the window (ms)"
}

# fio_iops NAME DEV FROM_MS TO_MS [BIN_MS]: completions per second on DEV in
# bins of BIN_MS (default 100) from FROM_MS to TO_MS, one "ms_since_from,iops"
# line per bin, empty bins included.
fio_iops() {
	awk -F, -v from="$3" -v to="$4" -v bin="${5:-100}" '
		{ t = $1 + 0
		  if (t < from || t >= to) next
		  c[int((t - from) / bin)]++ }
		END { for (i = 0; i * bin < to - from; i++)
			printf "%d,%.0f\n", i * bin, (c[i] + 0) * 1000 / bin }' \
		"$(fio_log "$1" "$2")"
}

# ----------------------------------------------------------------- cleanup

cleanup_all() {
	if [ -f "$FIO_DIR/pids" ]; then
		for p in $(cat "$FIO_DIR/pids"); do
			kill "$p" 2>/dev/null
		done
		sleep 1
	fi
	killall fio 2>/dev/null
	rm -rf "$FIO_DIR"
	rm -f /tmp/read-*.rc /tmp/read-*.err
	echo 0 > $TRACEFS/tracing_on 2>/dev/null
	echo 0 > $TRACEFS/events/enable 2>/dev/null
	echo local > $TRACEFS/trace_clock 2>/dev/null
	# Bring any device a test offlined back, so that the module unloads
	# without waiting on it.
	for s in /sys/bus/scsi/devices/*:*:*:*/state; do
		[ -f "$s" ] || continue
		[ "$(cat "$s")" = offline ] && echo running > "$s"
	done
	# iSCSI first: its target may hold scsi_debug disks.
	iscsi_cleanup
	rmmod virtio_scsi 2>/dev/null
	rmmod virtio_pci 2>/dev/null
	sdebug_unload
}

. /guest/lib/iscsi.sh
