# Scoped recovery under concurrency and removal.
#
# (a) Three LUNs of one host (two on target 0, one on target 1) fail a READ
#     at the same moment; their recoveries wait for one another and all
#     succeed.  At most one scoped recovery per host sends task-management
#     functions at a time: with every TMF taking 1 s, the three LUN resets
#     end at least 0.9 s apart.  The READs fail at once with DID_TIME_OUT
#     (fail_read), not by timing out: timed-out commands are aborted one at a
#     time per host, which would space the LUN resets apart on its own.
# (b) The LUN is deleted through sysfs while its scoped recovery runs (every
#     TMF 3 s): the delete and the read both end, the LUN is gone, the others
#     still work.
# (c) scsi_debug is unloaded while a scoped recovery runs: the module goes
#     once the read has ended.  The runner fails the run on any WARNING or
#     hung task these leave on the console.
# (d) With scsi_debug's scoped_eh_tmfs=3 (the host's bound on scoped
#     recoveries sending TMFs at once), the three recoveries of (a) overlap:
#     their 1 s LUN resets start less than 0.9 s apart.  scoped_eh_tmfs
#     values outside 1..64 are refused: the module does not load.

# three_at_once [MODULE_PARAM...]: scsi_debug with LUN scope and 1 s TMFs;
# the READs of DEVS fail at once and every read and recovery ends.  Checks
# what each recovery did; the times of the LUN-reset steps land, sorted, in
# /tmp/lun_resets.txt.
DEVS="0:0 0:1 1:0"
three_at_once() {
	sdebug_load 2 4 eh_scope=lun tmf_delay_ms=1000 "$@"
	need_scoped_eh "$(hctl 0 0)"
	_devs=""
	for _x in $DEVS; do _devs="$_devs $(hctl "${_x%:*}" "${_x#*:}")"; done
	trace_start $EH_EVENTS
	fail_reads_at_once $_devs
	for h in $_devs; do
		wait_eh_idle "$h" 30 || fail "$h still in scoped recovery 30 s after its read"
	done
	trace_stop
	for h in $_devs; do
		expect_eq "$(read_rc "$h")" 0 "exit status of the read on $h"
		expect_eq "$(eh_attr "$h" eh_recoveries)" 1 "scoped recoveries on $h"
		expect_eq "$(eh_attr "$h" eh_lun_resets)" 1 "scoped LUN resets on $h"
		expect_eq "$(eh_attr "$h" eh_escalations)" 0 "escalations on $h"
		expect_eq "$(dev_state "$h")" running "state of $h"
	done
	expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
	trace_times scsi_eh_scoped_step "step=lun_reset" | sort -n > /tmp/lun_resets.txt
	expect_eq "$(wc -l < /tmp/lun_resets.txt)" 3 "LUN reset steps traced"
	diag "LUN reset steps at (s): $(tr '\n' ' ' < /tmp/lun_resets.txt)"
}

# (a)
three_at_once
expect_eq "$(resets device)" 3 "LUN resets"
expect_eq "$(trace_count scsi_eh_scoped_end "result=recovered")" 3 "scoped recoveries ended recovered"
prev=
while read -r ts; do
	if [ -n "$prev" ]; then
		expect_cmp "$(awk -v a="$prev" -v b="$ts" 'BEGIN { printf "%.3f", b - a }')" \
			">=" 0.9 "seconds between consecutive scoped LUN resets"
	fi
	prev=$ts
done < /tmp/lun_resets.txt

# (b)
sdebug_load 2 4 eh_scope=lun tmf_delay_ms=3000
H=$(hctl 0 0)
need_scoped_eh "$H"
set_timeout "$H" 2
fault_steps "$H" abort		# READ(10) never answered, its abort fails
read_start del "$(sd_of "$H")"
wait_eh_busy "$H" 30 || fail "$H never entered scoped recovery"
diag "deleting $H while its eh_state is $(eh_attr "$H" eh_state)"
rm -f /tmp/delete.rc
(echo 1 > /sys/bus/scsi/devices/"$H"/delete
echo $? > /tmp/delete.rc.new
mv /tmp/delete.rc.new /tmp/delete.rc) 2>/dev/null &
wait_for 60 '[ -f /tmp/delete.rc ]' || fail "deleting $H did not end within 60 s"
read_wait del 60 || fail "the read on $H did not end within 60 s of the delete"
expect_eq "$(cat /tmp/delete.rc 2>/dev/null)" 0 "exit status of the delete of $H"
diag "the read on the deleted $H ended with status $(read_rc del): $(cat /tmp/read-del.err)"
expect_eq "$(dev_state "$H")" gone "state of the deleted $H"
expect_eq "$(read_block "$(sd_of "$(hctl 0 1)")")" 0 "exit status of a read on $(hctl 0 1)"
expect_eq "$(read_block "$(sd_of "$(hctl 1 0)")")" 0 "exit status of a read on $(hctl 1 0)"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"

# (c)
sdebug_load 2 4 eh_scope=lun tmf_delay_ms=3000
H=$(hctl 0 0)
need_scoped_eh "$H"
set_timeout "$H" 2
fault_steps "$H" abort
read_start unload "$(sd_of "$H")"
wait_eh_busy "$H" 30 || fail "$H never entered scoped recovery"
diag "unloading scsi_debug while the eh_state of $H is $(eh_attr "$H" eh_state)"
# rmmod is refused while the read holds the disk open; keep trying.
(for i in 1 2 3; do sdebug_unload && break; done) >/dev/null 2>&1 &
unloader=$!
if ! wait_for 60 '[ ! -d /sys/module/scsi_debug ]'; then
	fail "scsi_debug still loaded 60 s into the recovery"
	# Leave no rmmod loop behind to unload the next test's scsi_debug.
	kill "$unloader" 2>/dev/null
fi
read_wait unload 10 || fail "the read on $H did not end"
diag "the read on $H ended with status $(read_rc unload)"

# (d)
three_at_once scoped_eh_tmfs=3
expect_eq "$(cat /sys/module/scsi_debug/parameters/scoped_eh_tmfs)" 3 "scoped_eh_tmfs"
expect_cmp "$(awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.3f", b - a }' /tmp/lun_resets.txt)" \
	"<" 0.9 "seconds from the first to the last LUN reset with three TMF slots"
sdebug_unload
for v in 0 65 x; do
	if modprobe scsi_debug num_tgts=1 max_luns=1 scoped_eh_tmfs=$v 2>/dev/null; then
		fail "scsi_debug loaded with scoped_eh_tmfs=$v"
		sdebug_unload
	else
		pass "scsi_debug refused scoped_eh_tmfs=$v"
	fi
done
dmesg | grep -q "scoped_eh_tmfs: '65' is not a number from 1 to 64" ||
	fail "no message names the refused scoped_eh_tmfs value"
