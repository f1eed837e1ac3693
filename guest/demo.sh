#!/bin/sh
# The demonstration: one failing LUN stalls every LUN of its host under
# host-wide recovery, and none of them under LUN-scoped recovery.
. /guest/lib/helpers.sh
. /guest/lib/stall.sh
TEST_NAME=demo

diag "scsi_debug: 1 host, 2 targets x 4 LUNs; fio random reads on the 7 healthy LUNs"
diag "at t=5 s a READ on LUN 0:0 times out; abort, LUN reset and target reset fail"
stall_measure demo 35
diag "the faulted read ended with status $STALL_RC after $STALL_WINDOW ms; bus resets: $STALL_BUS"
show_table() {
	diag ""
	diag "LUN       dev  target  IOPS before  I/O during recovery  longest stall"
	while IFS=, read -r h d t before cnt gap total; do
		[ "$h" = hctl ] && continue
		if [ "$t" = 0 ]; then rel="same target"; else rel="other target"; fi
		diag "$(printf '%-9s %-4s %-6s  %11s  %19s  %8s ms  (%s)' "$h" "$d" "$t" "$before" "$cnt" "$gap" "$rel")"
	done < "$1"
	diag ""
}

show_table /tmp/demo.csv
emit_file demo_host_stall.csv /tmp/demo.csv
diag "every LUN, on either target, waits for the failing LUN's host-wide recovery"
cleanup_all

diag ""
diag "now the same host with eh_scope=lun, every abort and reset taking 2 s"
diag "(tmf_delay_ms=2000); the READ on LUN 0:0 times out, its abort fails,"
diag "and the LUN's own recovery resets it"
STALL_PARAMS="eh_scope=lun tmf_delay_ms=2000" STALL_STEPS=abort \
	stall_measure demolun 30
diag "the faulted read ended with status $STALL_RC after $STALL_WINDOW ms;"
diag "LUN resets by scoped recovery: $(eh_attr "$(hctl 0 0)" eh_lun_resets), handed to the host: $(eh_attr "$(hctl 0 0)" eh_escalations)"
show_table /tmp/demolun.csv
emit_file demo_lun_scope.csv /tmp/demolun.csv
diag "only LUN 0:0 waited; its neighbours kept doing I/O throughout"
cleanup_all
