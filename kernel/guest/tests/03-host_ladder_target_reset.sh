# Host recovery, case (b): the READ times out, the abort and the LUN reset
# fail, the target reset succeeds.  The command is retried and succeeds; the
# target's other LUNs were reset with it, the other target was not.

sdebug_load 2 4
H=$(hctl 0 0)
D=$(sd_of "$H")
SIBLING=$(hctl 0 1)
OTHER=$(hctl 1 0)
set_timeout "$H" 2

trace_start scsi/scsi_eh_wakeup
fault_steps "$H" abort lun		# READ(10) times out, abort and LUN reset fail
rc=$(read_block "$D")
trace_stop

expect_eq "$rc" 0 "exit status of the read on $H"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(resets device)" 1 "LUN resets"
expect_eq "$(resets target)" 1 "target resets"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(pending_ua "$SIBLING")" 29/02 "unit attention on sibling LUN $SIBLING"
expect_eq "$(pending_ua "$OTHER")" none "unit attention on other target's $OTHER"
