#!/bin/sh
# The demonstration: one failing LUN stalls every LUN of its host.
. /guest/lib/helpers.sh
. /guest/lib/stall.sh
TEST_NAME=demo

diag "scsi_debug: 1 host, 2 targets x 4 LUNs; fio random reads on the 7 healthy LUNs"
diag "at t=5 s a READ on LUN 0:0 times out; abort, LUN reset and target reset fail"
stall_measure demo 35
diag "the faulted read ended with status $STALL_RC after $STALL_WINDOW ms; bus resets: $STALL_BUS"
diag ""
diag "LUN       dev  target  IOPS before  I/O during recovery  longest stall"
while IFS=, read -r h d t before cnt gap total; do
	[ "$h" = hctl ] && continue
	if [ "$t" = 0 ]; then rel="same target"; else rel="other target"; fi
	diag "$(printf '%-9s %-4s %-6s  %11s  %19s  %8s ms  (%s)' "$h" "$d" "$t" "$before" "$cnt" "$gap" "$rel")"
done < /tmp/demo.csv
emit_file demo_host_stall.csv /tmp/demo.csv
diag ""
diag "every LUN, on either target, waits for the failing LUN's host-wide recovery"
cleanup_all
