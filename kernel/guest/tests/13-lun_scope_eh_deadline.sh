# Scoped recovery respects the host's eh_deadline: with the deadline at 0 s
# a LUN-scoped device that fails gives up before its first step and hands
# its command to host recovery, which (past its deadline too) goes straight
# to the host reset.  No scoped LUN reset may run.

sdebug_load 2 4 eh_scope=lun
H=$(hctl 0 0)
D=$(sd_of "$H")
need_scoped_eh "$H"
set_timeout "$H" 2
echo 0 > /sys/class/scsi_host/host"$SDEBUG_HOST"/eh_deadline ||
	die "cannot set eh_deadline of host $SDEBUG_HOST"

trace_start $EH_EVENTS
fault_steps "$H" abort		# READ(10) never answered, its abort fails
rc=$(read_block "$D")
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
trace_stop
echo off > /sys/class/scsi_host/host"$SDEBUG_HOST"/eh_deadline

diag "the read on $H ended with status $rc"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 0 "scoped LUN resets on $H"
expect_eq "$(eh_attr "$H" eh_escalations)" 1 "escalations on $H"
expect_eq "$(trace_count scsi_eh_scoped_step)" 0 "steps of the scoped ladder"
expect_eq "$(trace_count scsi_eh_scoped_escalate)" 1 "escalations traced"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(resets device)" 0 "LUN resets"
expect_cmp "$(resets host)" ">=" 1 "host resets"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
