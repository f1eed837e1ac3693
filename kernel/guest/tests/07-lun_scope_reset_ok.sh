# Scoped recovery, case (a) of host_ladder_lun_reset with eh_scope=lun: the
# READ times out, its abort fails, the LUN's own recovery resets the LUN and
# the command is retried and succeeds.  The host never enters recovery; no
# other device is reset or blocked.
#
# Then a READ that always times out, with an abort that always fails: each
# scoped recovery succeeds, the command is retried until it runs out of
# retries and fails.  That stays inside the LUN too: no escalation, no host
# recovery.

sdebug_load 2 4 eh_scope=lun
H=$(hctl 0 0)
D=$(sd_of "$H")
SIBLING=$(hctl 0 1)
OTHER=$(hctl 1 0)
need_scoped_eh "$H"
set_timeout "$H" 2
expect_eq "$(eh_attr "$H" eh_scope)" "host [lun] target lun+target" "eh_scope of $H after loading with eh_scope=lun"

trace_start $EH_EVENTS
fault_steps "$H" abort		# READ(10) never answered, its abort fails
rc=$(read_block "$D")
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
trace_stop

expect_eq "$rc" 0 "exit status of the read on $H"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
expect_eq "$(aborts)" 1 "aborts tried"
expect_eq "$(resets device)" 1 "LUN resets"
expect_eq "$(resets target)" 0 "target resets"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 1 "scoped LUN resets on $H"
expect_eq "$(eh_attr "$H" eh_escalations)" 0 "escalations on $H"
expect_eq "$(eh_attr "$H" eh_state)" idle "eh_state of $H"
diag "$H blocked by scoped recovery for $(eh_attr "$H" eh_blocked_ms) ms"
expect_eq "$(eh_attr "$SIBLING" eh_recoveries)" 0 "scoped recoveries on sibling $SIBLING"
expect_eq "$(eh_attr "$OTHER" eh_recoveries)" 0 "scoped recoveries on other target's $OTHER"
expect_eq "$(trace_count scsi_eh_scoped_start "cmds=1")" 1 "scoped recovery starts with 1 command"
expect_eq "$(trace_count scsi_eh_scoped_step "step=lun_reset result=success")" 1 "LUN reset steps that succeeded"
expect_eq "$(trace_count scsi_eh_scoped_step "step=tur result=success")" 1 "TUR steps that succeeded"
expect_eq "$(trace_count scsi_eh_scoped_escalate)" 0 "escalations traced"
expect_eq "$(trace_count scsi_eh_scoped_end "result=recovered")" 1 "scoped recoveries ended recovered"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(pending_ua "$SIBLING")" none "unit attention on sibling LUN $SIBLING"
expect_eq "$(pending_ua "$OTHER")" none "unit attention on other target's $OTHER"

# Every READ times out and every abort fails; the LUN reset always succeeds.
sdebug_load 2 4 eh_scope=lun
H=$(hctl 0 0)
D=$(sd_of "$H")
need_scoped_eh "$H"
set_timeout "$H" 2

trace_start $EH_EVENTS
inject "$H" "0 1 0x28"		# READ(10) never answered
inject "$H" "3 1 0x28"		# aborts always fail
rc=$(read_block "$D")
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
trace_stop

expect_ne "$rc" 0 "exit status of the always-timing-out read on $H"
diag "the read ended with: $(cat /tmp/dd.err)"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
expect_eq "$(eh_attr "$H" eh_escalations)" 0 "escalations on $H"
expect_cmp "$(eh_attr "$H" eh_recoveries)" ">=" 2 "scoped recoveries on $H (one per retry)"
expect_eq "$(trace_count scsi_eh_scoped_escalate)" 0 "escalations traced"
diag "after the retries ran out: $H is $(dev_state "$H"), $(eh_attr "$H" eh_lun_resets) scoped LUN resets, $(resets device) LUN resets in all"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
