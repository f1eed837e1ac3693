# What target scope stops, and when: fio runs on LUN 0:1 (a sibling of the
# failing LUN 0:0) and on LUN 1:0 (another target) while a READ on 0:0 times
# out and is recovered, every task-management function taking 2 s.
#
# (a) eh_scope=target, LUN reset ok: the whole of target 0 stops for the
#     target ladder's LUN reset, so the sibling stalls for about 2 s; the
#     other target never stalls longer than 500 ms.
# (b) eh_scope=lun+target, LUN reset ok: only the LUN stops; neither the
#     sibling nor the other target stalls longer than 500 ms.
# (c) eh_scope=lun+target, LUN reset fails, target reset ok: the sibling
#     keeps working through the LUN's own recovery (its failing 2 s LUN
#     reset), and stops only once that escalates to target recovery (for the
#     2 s target reset); the other target never stalls.
# Trace time stamps use the TAI clock, which is fio's wall clock here (no TAI
# offset is set), so the trace's recovery windows cut fio's completion logs
# directly.
. /guest/lib/scenario.sh

FIO_S=24

# iso_run SCOPE FAULTS...: one run; sets SIB and OTH (fio names of 0:1 and
# 1:0), T0 and T1 (ms, fault and end of the faulted read) and RC.
iso_run() {
	_sc=$1
	shift
	sdebug_load 2 4 eh_scope="$_sc" tmf_delay_ms=2000
	H=$(hctl 0 0)
	T=${H%:*}
	need_scoped_eh "$H"
	set_timeout "$H" 2
	SIB=$(sd_of "$(hctl 0 1)")
	OTH=$(sd_of "$(hctl 1 0)")
	echo tai > $TRACEFS/trace_clock || die "no tai trace clock"
	trace_start $SCENARIO_EVENTS
	_fs=$(now_ms)
	fio_start "$_sc" $FIO_S "$SIB" "$OTH"
	sleep 3
	fault_steps "$H" "$@"
	T0=$(now_ms)
	RC=$(read_block "$(sd_of "$H")")
	T1=$(now_ms)
	wait_target_idle "$T" 30 || fail "$_sc: target$T still recovering"
	fio_wait
	trace_stop
	[ $((T1 + 1000)) -le $((_fs + FIO_S * 1000)) ] ||
		fail "$_sc: the recovery ($((T1 - T0)) ms) outlasted fio's run"
	diag "$_sc ($*): recovery window $((T1 - T0)) ms; longest gaps: sibling $(fio_gap "$_sc" "$SIB" "$T0" "$T1") ms, other target $(fio_gap "$_sc" "$OTH" "$T0" "$T1") ms"
}

# ms EVENT [PATTERN]: time of the first matching trace event, in ms.
ms() {
	first_time "$@" | awk '{ printf "%.0f\n", $1 * 1000 }'
}

# (a)
iso_run target abort
expect_eq "$RC" 0 "target scope: exit status of the faulted read"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "target scope: host error handler wake-ups"
expect_eq "$(target_attr "$T" eh_recoveries)" 1 "target scope: recoveries of target$T"
expect_cmp "$(target_attr "$T" eh_blocked_ms)" ">=" 1500 "target scope: ms target$T was blocked"
expect_cmp "$(fio_gap target "$SIB" "$T0" "$T1")" ">=" 1500 "target scope: longest I/O gap on the sibling $(hctl 0 1) (ms)"
expect_cmp "$(fio_gap target "$OTH" "$T0" "$T1")" "<" 500 "target scope: longest I/O gap on the other target's $(hctl 1 0) (ms)"
expect_cmp "$(fio_count target "$OTH" "$T0" "$T1")" ">" 0 "target scope: completions on $(hctl 1 0) during the recovery"
GAP_TS=$(fio_gap target "$SIB" "$T0" "$T1")
GAP_TO=$(fio_gap target "$OTH" "$T0" "$T1")

# (b)
iso_run lun+target abort
expect_eq "$RC" 0 "lun+target: exit status of the faulted read"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "lun+target: host error handler wake-ups"
expect_eq "$(target_attr "$T" eh_recoveries)" 0 "lun+target: recoveries of target$T"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "lun+target: recoveries of $H"
for d in "$SIB" "$OTH"; do
	expect_cmp "$(fio_gap lun+target "$d" "$T0" "$T1")" "<" 500 "lun+target: longest I/O gap on $d (ms)"
	expect_cmp "$(fio_count lun+target "$d" "$T0" "$T1")" ">" 0 "lun+target: completions on $d during the recovery"
done

# (c)
iso_run lun+target abort lun
expect_eq "$RC" 0 "lun+target, LUN reset fails: exit status of the faulted read"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "lun+target, LUN reset fails: host error handler wake-ups"
expect_eq "$(eh_attr "$H" eh_escalations)" 1 "lun+target, LUN reset fails: escalations of $H"
expect_eq "$(target_attr "$T" eh_recoveries)" 1 "lun+target, LUN reset fails: recoveries of target$T"
LS=$(ms scsi_eh_scoped_start)
LE=$(ms scsi_eh_scoped_escalate)
TS=$(ms scsi_eh_target_start)
TE=$(ms scsi_eh_target_end)
diag "LUN recovery $LS..$LE ms, target recovery $TS..$TE ms (fault at $T0, read done at $T1)"
expect_cmp "$((LE - LS))" ">=" 1500 "ms the LUN recovery ran (its LUN reset takes 2 s)"
expect_cmp "$((TE - TS))" ">=" 1500 "ms the target recovery ran (its target reset takes 2 s)"
expect_cmp "$(fio_gap lun+target "$SIB" "$LS" "$LE")" "<" 500 "lun+target: longest I/O gap on the sibling during the LUN recovery (ms)"
expect_cmp "$(fio_count lun+target "$SIB" "$LS" "$LE")" ">" 0 "lun+target: sibling completions during the LUN recovery"
expect_cmp "$(fio_gap lun+target "$SIB" "$TS" "$TE")" ">=" 1500 "lun+target: longest I/O gap on the sibling during the target recovery (ms)"
expect_cmp "$(fio_gap lun+target "$OTH" "$T0" "$T1")" "<" 500 "lun+target: longest I/O gap on the other target's $(hctl 1 0) (ms)"

diag "isolation: target scope gaps $GAP_TS ms (sibling) / $GAP_TO ms (other target)"
# Changing the clock clears the trace: only now that it has been read.
echo local > $TRACEFS/trace_clock
