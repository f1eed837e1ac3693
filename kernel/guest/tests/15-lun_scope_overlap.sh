# Scoped recovery overlapping other failures.
#
# (a) A second fault on the same LUN while it recovers: two READs on LUN 0:0
#     time out together, their aborts fail (each TMF takes 1 s, so the first
#     command parks while the second is still being aborted).  The LUN waits
#     for both and runs its ladder once, on both commands; both reads succeed
#     and the host never enters recovery.
# (b) Host recovery starting meanwhile: while LUN 0:0 runs its ladder (TMFs
#     of 2 s), a host-scoped LUN of the other target fails.  The host error
#     handler may only run once 0:0 has finished or handed its command over
#     (it still holds a host tag): its wake-up comes after 0:0's recovery
#     ends, and both reads succeed.
# (c) Host recovery pending before the ladder starts: LUN 0:0 has one READ
#     parked and the other, started 3 s later, still outstanding when the
#     host-scoped LUN fails.  When the second READ times out and parks, 0:0
#     hands both to host recovery without a step of its own (not even the
#     abort); the host error handler wakes only after that, with all three
#     commands, and every read succeeds.

# (a)
sdebug_load 2 4 eh_scope=lun tmf_delay_ms=1000
H=$(hctl 0 0)
D=$(sd_of "$H")
need_scoped_eh "$H"
set_timeout "$H" 2
inject "$H" "0 -2 0x28"		# the next two READ(10)s are never answered
inject "$H" "3 -2 0x28"		# and their aborts fail
trace_start $EH_EVENTS
read_start first "$D" 0
read_start second "$D" 1000
read_wait first 60 || fail "the first read on $H did not end within 60 s"
read_wait second 60 || fail "the second read on $H did not end within 60 s"
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after its reads"
trace_stop

expect_eq "$(read_rc first)" 0 "exit status of the first read on $H"
expect_eq "$(read_rc second)" 0 "exit status of the second read on $H"
expect_eq "$(aborts)" 2 "aborts tried"
expect_eq "$(trace_count scsi_eh_scoped_start "cmds=2")" 1 "scoped ladders started on both commands"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 1 "scoped LUN resets on $H"
expect_eq "$(eh_attr "$H" eh_escalations)" 0 "escalations on $H"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
expect_eq "$(dev_state "$H")" running "state of $H"

# (b)
sdebug_load 2 4 eh_scope=lun tmf_delay_ms=2000
H=$(hctl 0 0)
O=$(hctl 1 0)
set_timeout "$H" 2
eh_scope_set "$O" host || die "cannot set eh_scope of $O to host"
trace_start $EH_EVENTS
fault_steps "$H" abort		# READ(10) never answered, its abort fails
read_start lun "$(sd_of "$H")"
wait_for 30 '[ "$(eh_attr "$H" eh_state)" = running ]' ||
	fail "$H did not start its scoped ladder within 30 s"
fail_read "$O"			# the next READ on O fails at once: host recovery
read_start host "$(sd_of "$O")"
read_wait lun 60 || fail "the read on $H did not end within 60 s"
read_wait host 60 || fail "the read on $O did not end within 60 s"
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery"
wait_for 30 '[ "$(host_state)" = running ]' || fail "host $SDEBUG_HOST still recovering"
trace_stop

expect_eq "$(read_rc lun)" 0 "exit status of the read on $H"
expect_eq "$(read_rc host)" 0 "exit status of the read on $O"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$O" eh_recoveries)" 0 "scoped recoveries on host-scoped $O"
expect_eq "$(trace_count scsi_eh_scoped_end)" 1 "scoped recoveries ended"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
end=$(trace_times scsi_eh_scoped_end | head -n 1)
wake=$(trace_times scsi_eh_wakeup | head -n 1)
diag "0:0's scoped recovery ended at $end s ($(grep ' scsi_eh_scoped_end:' $TRACEFS/trace | grep -o 'result=[a-z]*' | head -n 1)); host error handler first woke at $wake s"
expect_cmp "$(awk -v a="$end" -v b="$wake" 'BEGIN { printf "%.6f", b - a }')" \
	">=" 0 "seconds from the end of $H's scoped recovery to the host error handler's wake-up"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(dev_state "$O")" running "state of $O"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"

# (c)
sdebug_load 2 4 eh_scope=lun tmf_delay_ms=3000
H=$(hctl 0 0)
O=$(hctl 1 0)
set_timeout "$H" 4
eh_scope_set "$O" host || die "cannot set eh_scope of $O to host"
inject "$H" "0 -2 0x28"		# the next two READ(10)s are never answered
inject "$H" "3 -2 0x28"		# and their aborts would fail
trace_start $EH_EVENTS
read_start first "$(sd_of "$H")" 0
sleep 3				# the first times out 1 s after the second starts
read_start second "$(sd_of "$H")" 1000
wait_for 30 '[ "$(eh_attr "$H" eh_state)" = waiting ]' ||
	fail "$H did not park its first command within 30 s"
fail_read "$O"			# the next READ on O fails at once: host recovery
read_start host "$(sd_of "$O")"
for r in first second host; do
	read_wait "$r" 90 || fail "the $r read did not end within 90 s"
done
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery"
wait_for 30 '[ "$(host_state)" = running ]' || fail "host $SDEBUG_HOST still recovering"
trace_stop

for r in first second host; do
	expect_eq "$(read_rc "$r")" 0 "exit status of the $r read"
done
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(eh_attr "$H" eh_escalations)" 1 "escalations on $H"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 0 "scoped LUN resets on $H"
expect_eq "$(trace_count scsi_eh_scoped_step)" 0 "steps of $H's scoped ladder"
expect_eq "$(trace_count scsi_eh_scoped_escalate "cmds=2")" 1 "escalations of both commands"
end=$(trace_times scsi_eh_scoped_end | head -n 1)
wake=$(trace_times scsi_eh_wakeup | head -n 1)
diag "0:0 handed over at $end s; host error handler first woke at $wake s"
expect_cmp "$(awk -v a="$end" -v b="$wake" 'BEGIN { printf "%.6f", b - a }')" \
	">=" 0 "seconds from $H's hand-over to the host error handler's wake-up"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
