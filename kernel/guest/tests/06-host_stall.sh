# Today's host-wide stall, measured: while case (c) recovers (LUN and target
# reset fail, so a bus reset with its 10 s settle time runs), fio on the
# healthy LUNs completes no I/O.  The LUNs of the other target were never at
# fault and still wait for the whole recovery.  This describes the baseline
# that scoped recovery must beat.

. /guest/lib/stall.sh
stall_measure stall 40

expect_eq "$STALL_RC" 0 "exit status of the faulted read"
expect_eq "$STALL_BUS" 1 "bus resets"
diag "recovery window (fault to completion of the faulted read): $STALL_WINDOW ms"
emit_file host_stall.csv /tmp/stall.csv

worst=0
while IFS=, read -r h d t before cnt gap total; do
	[ "$h" = hctl ] && continue
	diag "stall: $h ($d, target $t): $before IOPS before, longest gap $gap ms, $cnt completions in the window"
	expect_cmp "$total" ">" 100 "completions on $h over the run"
	if [ "$t" = 1 ]; then
		# The bus reset alone sleeps 10 s with the host blocked; a LUN
		# that kept doing I/O cannot show half of that.
		expect_cmp "$gap" ">=" 5000 "longest I/O gap on $h (ms)"
		[ "$gap" -gt "$worst" ] && worst=$gap
	fi
done < /tmp/stall.csv
diag "stall of the other target's LUNs under host recovery: $worst ms"
