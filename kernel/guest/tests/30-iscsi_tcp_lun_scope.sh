# iscsi_tcp against an LIO target over loopback, in the guest: one session,
# four LUNs.  LUNs 0 and 1 are files (fileio); LUNs 2 and 3 are scsi_debug
# disks (iblock), whose next READ the target side can be told to leave
# unanswered.  The target then answers the initiator's READ only after its
# own error handling (a timeout of 10 s for LUN 2, 20 s for LUN 3, then
# abort and retry): long past the initiator's 2 s timeout and its NOP-Out
# check, and within libiscsi's 15 s abort timeout of the TMF.
#
# (a) One LUN stops answering.  The initiator's LUN 2 recovers on its own
#     (eh_scope lun+target, the driver's default): the ladder's abort waits
#     for the target's answer and succeeds, the READ is retried and
#     succeeds.  fio keeps reading LUNs 0 and 1 through it; the host and
#     the target never enter recovery.
# (b) Two LUNs stop answering at once.  libiscsi has one TMF per session,
#     and iscsi_tcp's max_scoped_eh_tmfs is 1: the second LUN's ladder waits
#     for the first one's to end, so no TMF meets another (libiscsi would
#     fail it at once), neither LUN escalates, and both reads succeed.  LUN
#     3's read starts 2 s after LUN 2's, so that LUN 2's ladder takes the
#     slot first, and its target side hangs 10 s longer, so that LUN 3's
#     abort still has a command to abort when its turn comes: both aborts
#     go to the target, one after the other.

# lun_hang T_LUN: the target side's next READ(10) on scsi_debug LUN T_LUN
# gets no answer (its own timeout then recovers it).
lun_hang() {
	inject "$SDEBUG_HOST:0:0:$1" "0 -1 0x28"
}

sdebug_load 1 2
BACK2=$(sd_of "$(hctl 0 0)")
BACK3=$(sd_of "$(hctl 0 1)")
set_timeout "$(hctl 0 0)" 10
set_timeout "$(hctl 0 1)" 20
iscsi_target_setup file file "$BACK2" "$BACK3"
iscsi_login 4
for l in 0 1 2 3; do
	eval "L$l=$ISCSI_HOST:0:0:$l"
	eval "D$l=$(sd_of "$ISCSI_HOST:0:0:$l")"
done
need_scoped_eh "$L2"
expect_eq "$(eh_attr "$L2" eh_scope)" "host lun target [lun+target]" \
	"eh_scope of $L2 (the driver's default)"
set_timeout "$L2" 2
set_timeout "$L3" 2
diag "iSCSI host $ISCSI_HOST: LUNs 0-3 are $D0 $D1 $D2 $D3; target side: $BACK2 $BACK3"

# (a)
FIO_RATE=40
export FIO_RATE
trace_start $EH_EVENTS scsi/scsi_eh_target_start
fio_start iscsi 40 "$D0" "$D1"
fio_wait_started "$D0" "$D1"
sleep 4
lun_hang 0
t0=$(now_ms)
rc=$(read_block "$D2")
t1=$(now_ms)
wait_eh_idle "$L2" 30 || fail "$L2 still in scoped recovery 30 s after its read"
fio_wait
trace_stop
unset FIO_RATE
diag "one LUN: the read on $L2 ended after $((t1 - t0)) ms with status $rc"
expect_eq "$rc" 0 "one LUN: exit status of the read on $L2"
expect_eq "$(eh_attr "$L2" eh_recoveries)" 1 "one LUN: scoped recoveries of $L2"
expect_eq "$(trace_count scsi_eh_scoped_step "step=abort result=success")" 1 \
	"one LUN: aborts from $L2's ladder that succeeded"
expect_eq "$(eh_attr "$L2" eh_escalations)" 0 "one LUN: escalations of $L2"
expect_eq "$(trace_count scsi_eh_target_start)" 0 "one LUN: target recoveries started"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "one LUN: host error handler wake-ups"
expect_eq "$(cat /sys/class/scsi_host/host"$ISCSI_HOST"/state)" running \
	"one LUN: state of iSCSI host $ISCSI_HOST"
expect_eq "$(dev_state "$L2")" running "one LUN: state of $L2"
[ $((t1 + 1000)) -le $((t0 + 30000)) ] ||
	fail "one LUN: the read ($((t1 - t0)) ms) outlasted fio's run"
echo "hctl,dev,window_ms,reads_4s_before,reads_window,availability_pct,longest_gap_ms" > /tmp/iscsi.csv
fio_window iscsi "one LUN" "$L0" "$D0" "$t0" "$t1" /tmp/iscsi.csv "$L2"
fio_window iscsi "one LUN" "$L1" "$D1" "$t0" "$t1" /tmp/iscsi.csv "$L2"
emit_file iscsi_tcp_lun_scope.csv /tmp/iscsi.csv

# (b)
trace_start $EH_EVENTS scsi/scsi_eh_target_start
lun_hang 0
lun_hang 1
read_start two "$D2" 8
sleep 2
read_start three "$D3" 8
read_wait two 90 || fail "the read on $L2 did not end within 90 s"
read_wait three 90 || fail "the read on $L3 did not end within 90 s"
wait_eh_idle "$L2" 30 || fail "$L2 still in scoped recovery"
wait_eh_idle "$L3" 30 || fail "$L3 still in scoped recovery"
trace_stop
expect_eq "$(read_rc two)" 0 "two LUNs: exit status of the read on $L2"
expect_eq "$(read_rc three)" 0 "two LUNs: exit status of the read on $L3"
expect_eq "$(eh_attr "$L2" eh_recoveries)" 2 "two LUNs: scoped recoveries of $L2 (both parts)"
expect_eq "$(eh_attr "$L3" eh_recoveries)" 1 "two LUNs: scoped recoveries of $L3"
expect_eq "$(trace_count scsi_eh_scoped_step "step=abort result=success")" 2 \
	"two LUNs: aborts that succeeded"
expect_eq "$(trace_count scsi_eh_scoped_step "result=failed")" 0 \
	"two LUNs: steps that failed (a TMF meeting another fails)"
expect_eq "$(eh_attr "$L2" eh_escalations)" 0 "two LUNs: escalations of $L2"
expect_eq "$(eh_attr "$L3" eh_escalations)" 0 "two LUNs: escalations of $L3"
expect_eq "$(trace_count scsi_eh_target_start)" 0 "two LUNs: target recoveries started"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "two LUNs: host error handler wake-ups"
grep ' scsi_eh_' $TRACEFS/trace > /tmp/iscsi-trace.txt
emit_file iscsi_tcp_two_luns_trace.txt /tmp/iscsi-trace.txt
diag "two LUNs: target side saw $(aborts) abort(s)"
# One slot: LUN 3's abort ends after LUN 2's ladder ended.
first_end=$(trace_times scsi_eh_scoped_end "lun=2 " | head -n 1)
second_abort=$(trace_times scsi_eh_scoped_step "lun=3 step=abort" | head -n 1)
diag "two LUNs: $L2's ladder ended at $first_end s, $L3's abort answered at $second_abort s"
expect_cmp "$(awk -v a="$first_end" -v b="$second_abort" 'BEGIN { printf "%.6f", b - a }')" \
	">=" 0 "two LUNs: seconds from $L2's ladder's end to $L3's abort"
