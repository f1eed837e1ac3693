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
. /guest/lib/scoped_run.sh
TEST_NAME=demo

TMF_MS=${DEMO_TMF_MS:-2000}
FAULT_S=5
# Seconds of the run after the failing LUN recovered, for the figure.
TAIL_S=8
# Each LUN reads at this steady rate, so that 16 LUNs leave the emulated
# CPUs idle enough for a gap in the log to mean a blocked LUN, not a busy
# guest.
RATE=${DEMO_RATE:-40}
MODES="host target lun"

# demo_run MODE: one run; writes /tmp/demo-MODE.csv (one row per LUN, see
# scoped_run) and /tmp/demo-MODE-iops.csv (ms since the fault, IOPS of 0:0,
# 0:1 and 1:0).
demo_run() {
	_m=$1
	diag "[$_m scope] scsi_debug 4 targets x 4 LUNs, eh_scope=$_m, tmf_delay_ms=$TMF_MS; fio random reads, $RATE per second on each LUN; LUN 0:0 fails $FAULT_S s after every LUN has started"
	RUN_RATE=$RATE RUN_FAULT_S=$FAULT_S RUN_TAIL_S=$TAIL_S \
		scoped_run "$_m" 4 4 0:0 abort eh_scope="$_m" tmf_delay_ms="$TMF_MS"
	cp "/tmp/$_m.csv" "/tmp/demo-$_m.csv"
	_from=$((RUN_T0 - FAULT_S * 1000))
	_to=$((RUN_T0 + RUN_WINDOW + TAIL_S * 1000))
	fio_iops "$_m" "$(sd_of "$(hctl 0 0)")" "$_from" "$_to" 250 > /tmp/i0
	fio_iops "$_m" "$(sd_of "$(hctl 0 1)")" "$_from" "$_to" 250 > /tmp/i1
	fio_iops "$_m" "$(sd_of "$(hctl 1 0)")" "$_from" "$_to" 250 > /tmp/i2
	echo "ms_from_fault,lun_0_0,lun_0_1,lun_1_0,window_end_ms" > "/tmp/demo-$_m-iops.csv"
	paste -d, /tmp/i0 /tmp/i1 /tmp/i2 | awk -F, -v off=$((FAULT_S * 1000)) -v w="$RUN_WINDOW" \
		'{ printf "%d,%s,%s,%s,%d\n", $1 - off, $2, $4, $6, w }' >> "/tmp/demo-$_m-iops.csv"
	diag "[$_m scope] recovery window (fault to LUN 0:0's retried read): $RUN_WINDOW ms; aborts, LUN, target, bus, host resets: $RUN_RESETS"
	show_table "/tmp/demo-$_m.csv"
	emit_file "demo-$_m.csv" "/tmp/demo-$_m.csv"
	emit_file "demo-$_m-iops.csv" "/tmp/demo-$_m-iops.csv"
	cleanup_all
}

show_table() {
	diag "  LUN      target  IOPS before  I/O in window  availability  longest gap"
	while IFS=, read -r h d t _ before cnt avail gap _ w; do
		[ "$h" = hctl ] && continue
		diag "$(printf '  %-8s %6s  %11s  %13s  %11s%%  %8s ms' "$h" "$t" "$before" "$cnt" "$avail" "$gap")"
	done < "$1"
}

for m in $MODES; do
	demo_run "$m"
done

diag ""
diag "summary: the 15 healthy LUNs while LUN 0:0 recovers (TMFs of $TMF_MS ms)"
diag "  mode     window    availability (mean, worst)  longest gap (siblings / other targets)"
for m in $MODES; do
	IFS=, read -r win avg worst gs go <<-EOF
	$(scoped_summary "/tmp/demo-$m.csv")
	EOF
	diag "$(printf '  %-7s %6d ms  %5.0f%%, %5.0f%%               %6d ms / %6d ms' \
		"$m" "$win" "$avg" "$worst" "$gs" "$go")"
done
