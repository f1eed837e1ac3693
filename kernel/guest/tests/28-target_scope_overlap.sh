# Target-scoped recovery overlapping other failures, the host's eh_deadline,
# and the SG_SCSI_RESET ioctl.
#
# (a) A second fault on another LUN of the target while it recovers: READs on
#     LUNs 0:0 and 0:1 time out together and their aborts fail (each TMF
#     takes 1 s, so one command parks while the other is still being
#     aborted).  The target waits for both and runs its ladder once, on both
#     commands (one LUN reset each); both reads succeed; no host recovery.
# (b) Host recovery starting meanwhile: while target 0 runs its ladder (TMFs
#     of 2 s), a host-scoped LUN of target 1 fails.  The host error handler
#     may only run once target 0 has finished or handed its command over: its
#     wake-up comes after target 0's recovery ends, and both reads succeed.
# (c) With the host's eh_deadline at 0 s, the target gives up before its
#     first step and hands the command to host recovery (which, past its
#     deadline too, resets the host): no target step, no LUN reset.
# (d) SG_SCSI_RESET target reset (sg_reset -t) on a target-scoped device
#     resets the target once and leaves host and device working.
. /guest/lib/scenario.sh

# (a)
sdebug_load 2 4 eh_scope=target tmf_delay_ms=1000
H=$(hctl 0 0)
S=$(hctl 0 1)
T=${H%:*}
need_scoped_eh "$H"
for h in "$H" "$S"; do
	set_timeout "$h" 2
	inject "$h" "0 -1 0x28"		# the next READ(10) is never answered
	inject "$h" "3 -1 0x28"		# and its abort fails
done
trace_start $SCENARIO_EVENTS
read_start first "$(sd_of "$H")"
read_start second "$(sd_of "$S")"
read_wait first 60 || fail "the read on $H did not end within 60 s"
read_wait second 60 || fail "the read on $S did not end within 60 s"
wait_target_idle "$T" 30 || fail "target$T still recovering 30 s after its reads"
trace_stop
expect_eq "$(read_rc first)" 0 "exit status of the read on $H"
expect_eq "$(read_rc second)" 0 "exit status of the read on $S"
expect_eq "$(aborts)" 2 "aborts tried"
expect_eq "$(trace_count scsi_eh_target_start "cmds=2")" 1 "target ladders started on both commands"
expect_eq "$(target_attr "$T" eh_recoveries)" 1 "recoveries of target$T"
expect_eq "$(target_attr "$T" eh_lun_resets)" 2 "LUN resets by target$T's recovery"
expect_eq "$(target_attr "$T" eh_target_resets)" 0 "target resets by target$T's recovery"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
expect_eq "$(resets device)" 2 "LUN resets"
expect_eq "$(resets target)" 0 "target resets"

# (b)
sdebug_load 2 4 eh_scope=target tmf_delay_ms=2000
H=$(hctl 0 0)
T=${H%:*}
O=$(hctl 1 0)
set_timeout "$H" 2
eh_scope_set "$O" host || die "cannot set eh_scope of $O to host"
trace_start $SCENARIO_EVENTS
fault_steps "$H" abort		# READ(10) never answered, its abort fails
read_start tgt "$(sd_of "$H")"
wait_for 30 '[ "$(target_attr "$T" eh_state)" = running ]' ||
	fail "target$T did not start its ladder within 30 s"
fail_read "$O"			# the next READ on O fails at once: host recovery
read_start host "$(sd_of "$O")"
read_wait tgt 60 || fail "the read on $H did not end within 60 s"
read_wait host 60 || fail "the read on $O did not end within 60 s"
wait_target_idle "$T" 30 || fail "target$T still recovering"
trace_stop
expect_eq "$(read_rc tgt)" 0 "exit status of the read on $H"
expect_eq "$(read_rc host)" 0 "exit status of the read on $O"
TE=$(first_time scsi_eh_target_end)
HW=$(first_time scsi_eh_wakeup)
diag "target$T recovery ended at $TE s, host error handler woke at $HW s"
expect_cmp "$TE" ">" 0 "target recovery end traced"
expect_cmp "$HW" ">=" "$TE" "host error handler woke ($HW s) after target$T's recovery ended ($TE s)"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"

# (c)
sdebug_load 2 4 eh_scope=target
H=$(hctl 0 0)
T=${H%:*}
set_timeout "$H" 2
echo 0 > /sys/class/scsi_host/host"$SDEBUG_HOST"/eh_deadline ||
	die "cannot set eh_deadline of host $SDEBUG_HOST"
trace_start $SCENARIO_EVENTS
fault_steps "$H" abort
rc=$(read_block "$(sd_of "$H")")
wait_target_idle "$T" 30 || fail "target$T still recovering 30 s after the read"
trace_stop
echo off > /sys/class/scsi_host/host"$SDEBUG_HOST"/eh_deadline
diag "the read on $H ended with status $rc"
expect_eq "$(target_attr "$T" eh_recoveries)" 1 "recoveries of target$T"
expect_eq "$(target_attr "$T" eh_escalations)" 1 "escalations of target$T"
expect_eq "$(trace_count scsi_eh_target_step)" 0 "steps of the target ladder"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(resets device)" 0 "LUN resets"
expect_cmp "$(resets host)" ">=" 1 "host resets"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"

# (d)
sdebug_load 2 4 eh_scope=target
H=$(hctl 0 0)
sg_reset -t /dev/"$(sg_of "$H")" > /tmp/sg_reset.out 2>&1
expect_eq "$?" 0 "exit status of sg_reset -t on $H"
diag "sg_reset: $(tr '\n' ' ' < /tmp/sg_reset.out)"
expect_eq "$(resets target)" 1 "target resets after sg_reset -t"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(read_block "$(sd_of "$H")")" 0 "exit status of a read on $H after the reset"
