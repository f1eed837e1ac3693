#!/bin/sh
# The demonstration: what one failing LUN costs its neighbours under host,
# target and LUN-scoped recovery, in one boot.
#
# scsi_debug: 1 host, 4 targets x 4 LUNs, every abort and reset taking
# DEMO_TMF_MS (default 2000, a LUN reset on real hardware).  fio reads
# steadily from all 16 LUNs; at t=5 s the next READ on LUN 0:0 never gets an
# answer and its abort fails, so the LUN needs a reset.  The same run is made
# with eh_scope=host, target and lun.  Per mode: a table of every LUN
# (I/O rate before the fault, completed I/O during the recovery window as a
# share of that rate, longest gap), and the I/O rate over time of the failing
# LUN 0:0, its sibling 0:1 and LUN 1:0 of another target, which the host
# turns into demo.svg.
. /guest/lib/helpers.sh
TEST_NAME=demo

TMF_MS=${DEMO_TMF_MS:-2000}
RUN_S=30
FAULT_S=5
# Each LUN reads at this steady rate, so that 16 LUNs leave the emulated
# CPUs idle enough for a gap in the log to mean a blocked LUN, not a busy
# guest.
RATE=${DEMO_RATE:-40}
MODES="host target lun"

# demo_run MODE: one run; writes /tmp/demo-MODE.csv (one row per LUN) and
# /tmp/demo-MODE-iops.csv (ms since the fault, IOPS of 0:0, 0:1 and 1:0).
demo_run() {
	_m=$1
	diag "[$_m scope] loading scsi_debug (4 targets x 4 LUNs, eh_scope=$_m, tmf_delay_ms=$TMF_MS)"
	sdebug_load 4 4 eh_scope="$_m" tmf_delay_ms="$TMF_MS"
	_f=$(hctl 0 0)
	set_timeout "$_f" 2
	_devs=""
	for _t in 0 1 2 3; do
		for _l in 0 1 2 3; do
			_devs="$_devs $(sd_of "$(hctl $_t $_l)")"
		done
	done
	diag "[$_m scope] fio random reads, $RATE per second on each of 16 LUNs; LUN $_f fails at t=$FAULT_S s"
	# 16 fio processes take a while to start on emulated CPUs: the clock
	# of the run starts when every LUN has completed reads.
	FIO_RATE=$RATE
	fio_start "$_m" "$((RUN_S + 10))" $_devs
	unset FIO_RATE
	fio_wait_started $_devs
	sleep "$FAULT_S"
	fault_steps "$_f" abort
	_t0=$(now_ms)
	fio_wait
	_fd=$(sd_of "$_f")
	# The recovery window ends with the failing LUN's first completion after
	# the fault: its retried READ.
	_t1=$(awk -F, -v t0="$_t0" '$1 + 0 > t0 + 1 { t = $1 + 0; exit } END { print t + 0 }' \
		"$(fio_log "$_m" "$_fd")")
	[ "$_t1" -gt "$_t0" ] || _t1=$_t0
	echo "hctl,dev,target,iops_before,window_completions,availability_pct,longest_gap_ms,window_ms" > "/tmp/demo-$_m.csv"
	for _t in 0 1 2 3; do
		for _l in 0 1 2 3; do
			_h=$(hctl $_t $_l)
			_d=$(sd_of "$_h")
			_b=$(fio_count "$_m" "$_d" $((_t0 - 3000)) "$_t0")
			_c=$(fio_count "$_m" "$_d" "$_t0" "$_t1")
			_g=$(fio_gap "$_m" "$_d" "$_t0" "$_t1")
			_a=$(awk -v b="$_b" -v c="$_c" -v w=$((_t1 - _t0)) 'BEGIN {
				e = b / 3000 * w; printf "%.0f", (e > 0) ? 100 * c / e : 0 }')
			echo "$_h,$_d,$_t,$((_b / 3)),$_c,$_a,$_g,$((_t1 - _t0))" >> "/tmp/demo-$_m.csv"
		done
	done
	_from=$((_t0 - FAULT_S * 1000))
	_to=$((_t0 + (RUN_S - FAULT_S - 1) * 1000))
	fio_iops "$_m" "$_fd" "$_from" "$_to" 250 > /tmp/i0
	fio_iops "$_m" "$(sd_of "$(hctl 0 1)")" "$_from" "$_to" 250 > /tmp/i1
	fio_iops "$_m" "$(sd_of "$(hctl 1 0)")" "$_from" "$_to" 250 > /tmp/i2
	echo "ms_from_fault,lun_0_0,lun_0_1,lun_1_0,window_end_ms" > "/tmp/demo-$_m-iops.csv"
	paste -d, /tmp/i0 /tmp/i1 /tmp/i2 | awk -F, -v off=$((FAULT_S * 1000)) -v w=$((_t1 - _t0)) \
		'{ printf "%d,%s,%s,%s,%d\n", $1 - off, $2, $4, $6, w }' >> "/tmp/demo-$_m-iops.csv"
	diag "[$_m scope] recovery window (fault to LUN $_f's next completion): $((_t1 - _t0)) ms"
	show_table "/tmp/demo-$_m.csv"
	emit_file "demo-$_m.csv" "/tmp/demo-$_m.csv"
	emit_file "demo-$_m-iops.csv" "/tmp/demo-$_m-iops.csv"
	cleanup_all
}

show_table() {
	diag "  LUN      target  IOPS before  I/O in window  availability  longest gap"
	while IFS=, read -r h d t before cnt avail gap w; do
		[ "$h" = hctl ] && continue
		diag "$(printf '  %-8s %6s  %11s  %13s  %11s%%  %8s ms' "$h" "$t" "$before" "$cnt" "$avail" "$gap")"
	done < "$1"
}

for m in $MODES; do
	demo_run "$m"
done

diag ""
diag "summary: the 15 healthy LUNs while LUN $(hctl 0 0) recovers (TMFs of $TMF_MS ms)"
diag "  mode     window    availability (mean, worst)  longest gap (siblings / other targets)"
for m in $MODES; do
	awk -F, -v m="$m" 'NR > 2 {
			n++; s += $6; if (!nw || $6 < w) { w = $6; nw = 1 }
			if ($3 == 0) { if ($7 > gs) gs = $7 } else { if ($7 > go) go = $7 }
			win = $8 }
		END { printf "  %-7s %6d ms  %5.0f%%, %5.0f%%               %6d ms / %6d ms\n",
			m, win, s / n, w, gs, go }' "/tmp/demo-$m.csv" > /tmp/demo-sum
	diag "$(cat /tmp/demo-sum)"
done
