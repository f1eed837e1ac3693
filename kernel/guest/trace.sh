#!/bin/sh
# Recording traces for the visualizer's engine to be checked against (mode
# "trace", scripts/record-traces.py).  Each case named on the kernel command
# line (scsitrace.cases=a,b) loads scsi_debug, starts fio at a steady 40
# reads a second on every LUN, arms the case's fault on the failing LUN(s),
# and records, until the failing LUNs have recovered (or gone offline) and
# two seconds more:
#   - ftrace: every event of the scsi group (the stock scsi_dispatch_cmd_*,
#     scsi_eh_wakeup and, on the patched kernel, scsi_eh_scoped_* and
#     scsi_eh_target_*), with markers (trace_marker) for the run's start, the
#     LUNs, each fault armed and the end;
#   - the kernel log with scsi_logging_level's error-recovery level at 7,
#     so that every step of host recovery is printed, and the same markers;
#   - each LUN's fio completion log (wall-clock ms, latency ns).
# A marker "scsitrace: sync realtime_ms=N" in both the trace and the kernel
# log ties their clock to fio's (the wall clock).
#
# Every case's files go back to the host as one gzip'd tar, base64-encoded
# (emit_file NAME.tgz.b64); the host unpacks them.
. /guest/lib/helpers.sh
TEST_NAME=trace

CASES=$(cmdline_arg scsitrace.cases) || CASES=
REC=/tmp/rec

# marker TEXT: TEXT in the trace and in the kernel log
marker() {
	echo "scsitrace: $*" > $TRACEFS/trace_marker
	echo "scsitrace: $*" > /dev/kmsg
}

# jiffies_now: "hz=HZ jiffies=N now_ns=T" from /proc/timer_list (HZ from the
# kernel command line, scsitrace.hz, which the host reads from the .config);
# empty where timer_list prints no jiffies (HZ_PERIODIC kernels): the "ticks"
# marker, /proc/stat's tick accounting, stands in for it
jiffies_now() {
	awk -v hz="$(cmdline_arg scsitrace.hz 0)" '/^now at/ { n = $3 }
		/^jiffies:/ { print "hz=" hz " jiffies=" $2 " now_ns=" n; exit }' /proc/timer_list
}

# case_spec NAME: sets TG LU TMO PARAMS FAIL STEPS FAULT_S BOUND for the case
# (FAIL: TARGET:LUN list; STEPS: the faults, armed on every failing LUN:
# abort / abort_always, lun / lun_always, target (fail_reset=Y), tur /
# tur_always, medium (CHECK CONDITION 03/11 instead of the timeout)).
case_spec() {
	TG=2
	LU=4
	TMO=2
	FAULT_S=2
	BOUND=60
	FAIL=0:0
	PARAMS="tmf_delay_ms=500"
	case $1 in
	# Linux 6.12 host ladder (src/engine presets hostLadder): 2 x 2, timeout
	# 5 s, on the unpatched kernel, whose scsi_debug has no tmf_delay_ms.
	host-*)
		LU=2
		TMO=5
		PARAMS=""
		case $1 in
		host-abort-ok) STEPS="" ;;
		host-lun-reset) STEPS="abort_always" ;;
		host-target-reset) STEPS="abort_always lun_always" ;;
		host-bus-reset) STEPS="abort_always lun_always target" ;;
		host-tur-offline) STEPS="abort_always lun_always target tur_always"; BOUND=90 ;;
		host-medium-error) STEPS="medium" ;;
		*) return 1 ;;
		esac
		;;
	# The cover letter's rows (presets coverLetterRows), as tests 07-09 and
	# 16-25 set them up, with fio on every LUN and TMFs of 0.5 s.
	s[123]-*)
		case $1 in
		s1-*) PARAMS="$PARAMS eh_scope=lun" ;;
		s2-*) PARAMS="$PARAMS eh_scope=target" ;;
		s3-*) PARAMS="$PARAMS eh_scope=lun+target" ;;
		esac
		case ${1#s?-} in
		lun-ok-tur-ok) STEPS="abort" ;;
		lun-ok-tur-fails) STEPS="abort tur" ;;
		lun-fails) STEPS="abort lun" ;;
		lun-fails-tur-fails) STEPS="abort lun tur" ;;
		target-fails) STEPS="abort lun target" ;;
		*) return 1 ;;
		esac
		;;
	# kernel/'s demonstration (preset demo(scope)): 4 x 4, TMFs of 2 s.
	demo-*)
		TG=4
		FAULT_S=5
		STEPS="abort_always"
		_s=${1#demo-}
		[ "$_s" = lun-target ] && _s=lun+target
		case $_s in
		host | target | lun | lun+target) ;;
		*) return 1 ;;
		esac
		PARAMS="tmf_delay_ms=2000 eh_scope=$_s"
		;;
	# Two LUNs of two targets failing at once (2 x 4, TMFs of 0.5 s).
	two-*)
		FAIL="0:0 1:0"
		STEPS="abort"
		_s=${1#two-}
		[ "$_s" = lun-target ] && _s=lun+target
		case $_s in
		host | target | lun | lun+target) ;;
		*) return 1 ;;
		esac
		PARAMS="$PARAMS eh_scope=$_s"
		;;
	*) return 1 ;;
	esac
}

# arm HCTL STEP...: the faults of STEPS on HCTL, each with its marker, then
# the READ that gets no answer (or the medium error) last.
arm() {
	_ah=$1
	shift
	_medium=0
	for _st in "$@"; do
		case $_st in
		abort) inject "$_ah" "3 -1 0x28"; marker "fault on=$_ah kind=abort-fails count=1" ;;
		abort_always) inject "$_ah" "3 1 0x28"; marker "fault on=$_ah kind=abort-fails count=always" ;;
		lun) inject "$_ah" "4 -1 0x28"; marker "fault on=$_ah kind=lun-reset-fails count=1" ;;
		lun_always) inject "$_ah" "4 1 0x28"; marker "fault on=$_ah kind=lun-reset-fails count=always" ;;
		target)
			target_reset_fails "${_ah%:*}" Y
			marker "fault on=$_ah kind=target-reset-fails count=always"
			;;
		tur) inject "$_ah" "2 -1 0x00 0x01 0 0 0 0 0"; marker "fault on=$_ah kind=tur-fails count=1" ;;
		tur_always) inject "$_ah" "2 1 0x00 0x01 0 0 0 0 0"; marker "fault on=$_ah kind=tur-fails count=always" ;;
		medium) _medium=1 ;;
		*) die "arm: unknown step $_st" ;;
		esac
	done
	if [ $_medium -eq 1 ]; then
		marker "fault on=$_ah kind=medium-error count=1"
		inject "$_ah" "2 -1 0x28 0x00 0x00 0x02 0x03 0x11 0x00"
	else
		marker "fault on=$_ah kind=timeout count=1"
		fault_timeout "$_ah"
	fi
	# The reads completed so far, read once the fault is in: two more, and the
	# faulted one has completed (at most one was in flight when it struck).
	_d=$(sd_of "$_ah")
	awk '{ print $1 }' /sys/block/"$_d"/stat > "$FIO_DIR/$_d.fault0"
}

trace_case() {
	_c=$1
	case_spec "$_c" || { diag "$_c: no such case"; return 1; }
	diag "$_c: scsi_debug $TG x $LU ($PARAMS), timeout $TMO s on $FAIL, faults: $STEPS"
	# shellcheck disable=SC2086
	sdebug_load "$TG" "$LU" $PARAMS
	_all=""
	_devs=""
	for _i in $(seq 0 $((TG - 1))); do
		for _l in $(seq 0 $((LU - 1))); do
			_h=$(hctl "$(tid "$_i")" "$_l")
			_all="$_all $_h"
			_devs="$_devs $(sd_of "$_h")"
		done
	done
	_fail=""
	for _x in $FAIL; do
		_h=$(hctl "$(tid "${_x%:*}")" "${_x#*:}")
		_fail="$_fail $_h"
		set_timeout "$_h" "$TMO"
	done

	rm -rf "$REC" && mkdir -p "$REC"
	dmesg -c > /dev/null
	echo 7 > /proc/sys/dev/scsi/logging_level
	# The console shows warnings and worse only: a slow serial console
	# would hold up the error handler's printks.
	echo 5 > /proc/sys/kernel/printk
	echo 0 > $TRACEFS/tracing_on
	echo > $TRACEFS/trace
	echo 16384 > $TRACEFS/buffer_size_kb
	echo 1 > $TRACEFS/events/scsi/enable || die "no scsi trace events"
	echo 1 > $TRACEFS/tracing_on
	marker "sync realtime_ms=$(now_ms)"
	marker "case name=$_c kernel=$(uname -r) params=$PARAMS timeout=$TMO"
	for _h in $_all; do
		marker "lun $_h $(sd_of "$_h") timeout=$(cat /sys/bus/scsi/devices/"$_h"/timeout)"
	done

	FIO_RATE=40 FIO_EXTRA="--continue_on_error=all"
	export FIO_EXTRA
	# shellcheck disable=SC2086
	fio_start "$_c" 3600 $_devs
	unset FIO_RATE FIO_EXTRA
	# shellcheck disable=SC2086
	fio_wait_started $_devs
	marker "run-start"
	# jiffies against the clock: a periodic tick that loses interrupts under
	# TCG makes every jiffies-based delay (timeouts, msleep, ssleep) longer
	# than the clock says it asked for.
	marker "jiffies $(jiffies_now)"
	marker "ticks nproc=$(nproc) $(head -n 1 /proc/stat)"
	sleep "$FAULT_S"
	for _h in $_fail; do
		# shellcheck disable=SC2086
		arm "$_h" $STEPS
	done
	# A medium error fails the read at once, and fio (ENODATA) stops on it.
	_wait=$_fail
	case " $STEPS " in *" medium "*) sleep 2; _wait="" ;; esac
	for _h in $_wait; do
		_d=$(sd_of "$_h")
		wait_for "$BOUND" "[ \$(awk '{ print \$1 }' /sys/block/$_d/stat) -ge \$((\$(cat $FIO_DIR/$_d.fault0) + 2)) ] || [ \"\$(dev_state $_h)\" = offline ]" ||
			diag "$_c: $_h did not recover within $BOUND s"
	done
	sleep 2
	marker "jiffies $(jiffies_now)"
	marker "ticks nproc=$(nproc) $(head -n 1 /proc/stat)"
	marker "run-end"
	for _p in $(cat "$FIO_DIR/pids"); do
		kill "$_p" 2>/dev/null
	done
	fio_wait
	echo 0 > $TRACEFS/tracing_on
	echo 0 > $TRACEFS/events/enable
	echo 0 > /proc/sys/dev/scsi/logging_level
	echo 7 > /proc/sys/kernel/printk

	{
		echo "case=$_c"
		echo "kernel=$(uname -r)"
		echo "kernel_version=$(uname -v)"
		echo "params=$PARAMS"
		echo "topology=$TG x $LU"
		echo "failing=$_fail"
		echo "steps=$STEPS"
		echo "resets=$(aborts),$(resets device),$(resets target),$(resets bus),$(resets host)"
		for _h in $_all; do
			echo "state $_h $(dev_state "$_h")"
		done
	} > "$REC/info"
	cat $TRACEFS/trace > "$REC/ftrace"
	dmesg > "$REC/dmesg"
	for _h in $_all; do
		_d=$(sd_of "$_h")
		cp "$(fio_log "$_c" "$_d")" "$REC/fio-$_h-$_d.log" 2>/dev/null
	done
	(cd "$REC" && tar cf - ./* | gzip -9 | base64) > "/tmp/$_c.tgz.b64"
	emit_file "$_c.tgz.b64" "/tmp/$_c.tgz.b64"
	rm -f "/tmp/$_c.tgz.b64"
	diag "$_c: resets (aborts,lun,target,bus,host) $(aborts),$(resets device),$(resets target),$(resets bus),$(resets host)"
	cleanup_all
	echo > $TRACEFS/trace
	return 0
}

rc=0
for c in $(echo "$CASES" | tr ',' ' '); do
	trace_case "$c" || rc=1
done
exit $rc
