# Scoped recovery, escalation after the LUN reset: the READ times out, its
# abort and the scoped LUN reset fail, so the LUN hands its command to host
# recovery at once (no TUR after a failed reset).  Host recovery's LUN reset
# succeeds; the read succeeds; no target, bus or host reset runs.

sdebug_load 2 4 eh_scope=lun
H=$(hctl 0 0)
D=$(sd_of "$H")
SIBLING=$(hctl 0 1)
need_scoped_eh "$H"
set_timeout "$H" 2

trace_start $EH_EVENTS
fault_steps "$H" abort lun	# READ(10) times out, abort and LUN reset fail once
rc=$(read_block "$D")
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
trace_stop

expect_eq "$rc" 0 "exit status of the read on $H"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 1 "scoped LUN resets on $H (issued, failed)"
expect_eq "$(eh_attr "$H" eh_escalations)" 1 "escalations on $H"
expect_eq "$(trace_count scsi_eh_scoped_step "step=lun_reset result=failed")" 1 "LUN reset steps that failed"
expect_eq "$(trace_count scsi_eh_scoped_step "step=tur")" 0 "TUR steps of the scoped ladder"
expect_eq "$(trace_count scsi_eh_scoped_escalate)" 1 "escalations traced"
expect_eq "$(trace_count scsi_eh_scoped_end "result=escalated")" 1 "scoped recoveries ended escalated"
# The failed scoped LUN reset, then host recovery's, which succeeds.
expect_eq "$(resets device)" 2 "LUN resets"
expect_eq "$(resets target)" 0 "target resets"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(pending_ua "$SIBLING")" none "unit attention on sibling LUN $SIBLING"
