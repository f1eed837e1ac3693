# Scoped recovery, escalation after the TUR: the READ times out and its
# abort fails; the scoped LUN reset succeeds but the TEST UNIT READY after it
# fails, so the LUN hands its command to host recovery, whose own LUN reset
# and TUR succeed.  The read succeeds; no target, bus or host reset runs.

sdebug_load 2 4 eh_scope=lun
H=$(hctl 0 0)
D=$(sd_of "$H")
need_scoped_eh "$H"
set_timeout "$H" 2

trace_start $EH_EVENTS
fault_steps "$H" abort		# READ(10) never answered, its abort fails
tur_fails "$H"			# the next TUR fails once
rc=$(read_block "$D")
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
trace_stop

expect_eq "$rc" 0 "exit status of the read on $H"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 1 "scoped LUN resets on $H"
expect_eq "$(eh_attr "$H" eh_escalations)" 1 "escalations on $H"
expect_eq "$(trace_count scsi_eh_scoped_step "step=lun_reset result=success")" 1 "LUN reset steps that succeeded"
expect_eq "$(trace_count scsi_eh_scoped_step "step=tur result=failed")" 1 "TUR steps that failed"
expect_eq "$(trace_count scsi_eh_scoped_escalate)" 1 "escalations traced"
expect_eq "$(trace_count scsi_eh_scoped_end "result=escalated")" 1 "scoped recoveries ended escalated"
expect_eq "$(trace_count scsi_eh_scoped_end "result=recovered")" 0 "scoped recoveries ended recovered"
# One LUN reset from the scoped ladder, one from host recovery's ladder.
expect_eq "$(resets device)" 2 "LUN resets"
expect_eq "$(resets target)" 0 "target resets"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
