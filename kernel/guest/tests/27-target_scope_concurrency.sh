# Target-scoped recovery under concurrency and removal.
#
# (a) Both targets of the host fail a READ at the same moment (on LUN 0 of
#     each, at once with DID_TIME_OUT, see fail_read): both targets recover
#     on their own, one after the other (one TMF slot per host: with every
#     TMF taking 1 s, their LUN resets end at least 0.9 s apart), and the
#     host never enters recovery.
# (b) Every LUN of target 0 is deleted through sysfs while the target
#     recovers (every TMF 3 s): the deletes and the read end, the target's
#     LUNs are gone, the other target still works.
# (c) scsi_debug is unloaded while a target recovers: the module goes once
#     the read has ended.  The runner fails the run on any WARNING, lockdep
#     report or hung task these leave on the console.
. /guest/lib/scenario.sh

# (a)
sdebug_load 2 4 eh_scope=target tmf_delay_ms=1000
need_scoped_eh "$(hctl 0 0)"
DEVS="$(hctl 0 0) $(hctl 1 0)"
trace_start $SCENARIO_EVENTS
fail_reads_at_once $DEVS
for h in $DEVS; do
	wait_target_idle "${h%:*}" 30 || fail "target${h%:*} still recovering 30 s after its read"
done
trace_stop
for h in $DEVS; do
	expect_eq "$(read_rc "$h")" 0 "exit status of the read on $h"
	expect_eq "$(target_attr "${h%:*}" eh_recoveries)" 1 "recoveries of target${h%:*}"
	expect_eq "$(target_attr "${h%:*}" eh_lun_resets)" 1 "LUN resets by target${h%:*}'s recovery"
	expect_eq "$(target_attr "${h%:*}" eh_escalations)" 0 "escalations of target${h%:*}"
	expect_eq "$(dev_state "$h")" running "state of $h"
done
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
expect_eq "$(resets device)" 2 "LUN resets"
expect_eq "$(resets target)" 0 "target resets"
trace_times scsi_eh_target_step "step=lun_reset" | sort -n > /tmp/lun_resets.txt
expect_eq "$(wc -l < /tmp/lun_resets.txt)" 2 "LUN reset steps of target ladders traced"
diag "target ladders' LUN reset steps at (s): $(tr '\n' ' ' < /tmp/lun_resets.txt)"
expect_cmp "$(awk 'NR == 1 { a = $1 } NR == 2 { printf "%.3f", $1 - a }' /tmp/lun_resets.txt)" \
	">=" 0.9 "seconds between the two targets' LUN resets"

# (b)
sdebug_load 2 4 eh_scope=target tmf_delay_ms=3000
H=$(hctl 0 0)
T=${H%:*}
need_scoped_eh "$H"
set_timeout "$H" 2
fault_steps "$H" abort		# READ(10) never answered, its abort fails
read_start del "$(sd_of "$H")"
wait_for 30 '[ "$(target_attr "$T" eh_state)" != idle ]' ||
	fail "target$T never entered its own recovery"
diag "deleting the LUNs of target$T while its eh_state is $(target_attr "$T" eh_state)"
rm -f /tmp/delete.*
for l in 0 1 2 3; do
	(echo 1 > /sys/bus/scsi/devices/"$T:$l"/delete
	echo $? > /tmp/delete.$l.new
	mv /tmp/delete.$l.new /tmp/delete.$l) 2>/dev/null &
done
for l in 0 1 2 3; do
	wait_for 60 "[ -f /tmp/delete.$l ]" || fail "deleting $T:$l did not end within 60 s"
	expect_eq "$(cat /tmp/delete.$l 2>/dev/null)" 0 "exit status of the delete of $T:$l"
	expect_eq "$(dev_state "$T:$l")" gone "state of the deleted $T:$l"
done
read_wait del 60 || fail "the read on $H did not end within 60 s of the deletes"
diag "the read on the deleted $H ended with status $(read_rc del): $(cat /tmp/read-del.err)"
expect_eq "$(read_block "$(sd_of "$(hctl 1 0)")")" 0 "exit status of a read on $(hctl 1 0)"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"

# (c)
sdebug_load 2 4 eh_scope=target tmf_delay_ms=3000
H=$(hctl 0 0)
T=${H%:*}
need_scoped_eh "$H"
set_timeout "$H" 2
fault_steps "$H" abort
read_start unload "$(sd_of "$H")"
wait_for 30 '[ "$(target_attr "$T" eh_state)" != idle ]' ||
	fail "target$T never entered its own recovery"
diag "unloading scsi_debug while the eh_state of target$T is $(target_attr "$T" eh_state)"
(for i in 1 2 3; do sdebug_unload && break; done) >/dev/null 2>&1 &
unloader=$!
if ! wait_for 60 '[ ! -d /sys/module/scsi_debug ]'; then
	fail "scsi_debug still loaded 60 s into the recovery"
	kill "$unloader" 2>/dev/null
fi
read_wait unload 10 || fail "the read on $H did not end"
diag "the read on $H ended with status $(read_rc unload)"
