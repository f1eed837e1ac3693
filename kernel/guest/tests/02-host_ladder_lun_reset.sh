# Host recovery, case (a): a READ on one LUN times out, its abort fails, the
# error handler's LUN reset succeeds.  The command is retried and succeeds;
# no target, bus or host reset runs; the other target sees no reset.

sdebug_load 2 4
H=$(hctl 0 0)
D=$(sd_of "$H")
OTHER=$(hctl 1 0)
set_timeout "$H" 2

trace_start scsi/scsi_eh_wakeup scsi/scsi_dispatch_cmd_timeout
fault_steps "$H" abort		# READ(10) never answered, its abort fails
rc=$(read_block "$D")
trace_stop

expect_eq "$rc" 0 "exit status of the read on $H"
expect_cmp "$(trace_count scsi_dispatch_cmd_timeout)" ">=" 1 "commands timed out"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(aborts)" 1 "aborts tried"
expect_eq "$(resets device)" 1 "LUN resets"
expect_eq "$(resets target)" 0 "target resets"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(pending_ua "$(hctl 0 1)")" none "unit attention on sibling LUN $(hctl 0 1)"
expect_eq "$(pending_ua "$OTHER")" none "unit attention on other target's $OTHER"
