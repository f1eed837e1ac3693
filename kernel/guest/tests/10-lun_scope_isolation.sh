# What scoped recovery buys: fio runs on the sibling LUN 0:1 and on the other
# target's LUN 1:0 while a READ on LUN 0:0 times out and is recovered, every
# task-management function taking 2 s (tmf_delay_ms).  With eh_scope=lun the
# two fio devices keep completing I/O through the recovery; with eh_scope=host
# the host blocks for the recovery's LUN reset and the other target's LUN
# stalls with the rest.  The figures land in lun_scope_isolation.csv.

FIO_S=20

# isolation SCOPE: one run with eh_scope=SCOPE.  Sets ISO_RC (exit status of
# the faulted read), ISO_WINDOW (ms from the fault to the read's completion),
# ISO_WAKEUPS, ISO_GAP_S and ISO_GAP_O (longest gaps in the window on 0:1 and
# 1:0), and appends a row per fio device to /tmp/iso.csv.
isolation() {
	sdebug_load 2 4 eh_scope="$1" tmf_delay_ms=2000
	H=$(hctl 0 0)
	need_scoped_eh "$H"
	set_timeout "$H" 2
	_sib=$(sd_of "$(hctl 0 1)")
	_oth=$(sd_of "$(hctl 1 0)")
	trace_start $EH_EVENTS
	_fs=$(now_ms)
	fio_start "$1" $FIO_S "$_sib" "$_oth"
	sleep 3
	fault_steps "$H" abort		# READ(10) never answered, its abort fails
	_t0=$(now_ms)
	ISO_RC=$(read_block "$(sd_of "$H")")
	_t1=$(now_ms)
	fio_wait
	trace_stop
	ISO_WINDOW=$((_t1 - _t0))
	ISO_WAKEUPS=$(trace_count scsi_eh_wakeup)
	# fio must have run through the whole window for its gaps to mean
	# anything; it started after _fs.
	[ $((_t1 + 1000)) -le $((_fs + FIO_S * 1000)) ] ||
		fail "$1 scope: the recovery ($ISO_WINDOW ms) outlasted fio's run"
	for _hh in "$(hctl 0 1)" "$(hctl 1 0)"; do
		_d=$(sd_of "$_hh")
		_t=${_hh#*:*:}
		_t=${_t%:*}
		echo "$1,$_hh,$_d,$_t,$ISO_WINDOW,$(fio_count "$1" "$_d" "$_t0" "$_t1"),$(fio_gap "$1" "$_d" "$_t0" "$_t1"),$(fio_count "$1" "$_d")" >> /tmp/iso.csv
	done
	ISO_GAP_S=$(fio_gap "$1" "$_sib" "$_t0" "$_t1")
	ISO_GAP_O=$(fio_gap "$1" "$_oth" "$_t0" "$_t1")
}

echo "scope,hctl,dev,target,window_ms,window_completions,longest_gap_ms,total" > /tmp/iso.csv

isolation lun
expect_eq "$ISO_RC" 0 "lun scope: exit status of the faulted read"
expect_eq "$ISO_WAKEUPS" 0 "lun scope: host error handler wake-ups"
expect_eq "$(eh_attr "$H" eh_lun_resets)" 1 "lun scope: scoped LUN resets on $H"
# The LUN reset alone holds the LUN blocked for tmf_delay_ms.
expect_cmp "$(eh_attr "$H" eh_blocked_ms)" ">=" 1500 "lun scope: ms $H was blocked"
diag "lun scope: recovery window $ISO_WINDOW ms"
LUN_S=$ISO_GAP_S
LUN_O=$ISO_GAP_O
while IFS=, read -r sc hh d t w cnt gap total; do
	[ "$sc" = lun ] || continue
	diag "lun scope: $hh ($d, target $t): $cnt completions in the window, longest gap $gap ms"
	expect_cmp "$total" ">" 100 "lun scope: completions on $hh over the run"
	expect_cmp "$cnt" ">" 0 "lun scope: completions on $hh during the recovery"
	expect_cmp "$gap" "<" 500 "lun scope: longest I/O gap on $hh during the recovery (ms)"
done < /tmp/iso.csv

isolation host
expect_eq "$ISO_RC" 0 "host scope: exit status of the faulted read"
expect_cmp "$ISO_WAKEUPS" ">=" 1 "host scope: host error handler wake-ups"
diag "host scope: recovery window $ISO_WINDOW ms"
while IFS=, read -r sc hh d t w cnt gap total; do
	[ "$sc" = host ] || continue
	diag "host scope: $hh ($d, target $t): $cnt completions in the window, longest gap $gap ms"
	expect_cmp "$total" ">" 100 "host scope: completions on $hh over the run"
done < /tmp/iso.csv
# Host recovery blocks the whole host for its 2 s LUN reset.
expect_cmp "$ISO_GAP_O" ">=" 1500 "host scope: longest I/O gap on the other target's $(hctl 1 0) (ms)"

emit_file lun_scope_isolation.csv /tmp/iso.csv
diag "isolation: lun scope gaps $LUN_S ms / $LUN_O ms; host scope gaps $ISO_GAP_S ms / $ISO_GAP_O ms (sibling LUN / other target)"
