# virtio_scsi under QEMU's virtio-scsi-pci: a LUN that stops answering in
# time recovers on its own while the controller's other LUNs keep working.
#
# scripts/run-guest.py gives the guest one controller with four LUNs on
# target 0: LUNs 0-2 on raw image files, LUN 3 on a null-co node whose every
# request takes scsitest.vscsi_slow_ms (4 s) to complete.  LUN 3's timeout
# is set to 1 s, so each READ times out on the guest side while QEMU still
# holds it: the path a user of a hung virtio-scsi LUN hits.
#
# (a) eh_scope=lun (the driver's default).  Each timeout recovers LUN 3 on
#     its own: the first with an abort from the ladder (QEMU answers it once
#     the request has completed), the retries with a LUN reset (QEMU drains
#     the LUN) and TEST UNIT READY.  After sd's five retries the read
#     fails; LUN 3 stays running (QEMU completes each request before it
#     answers the TMF, so sd's medium access timeout rule does not see a
#     timed-out result and does not offline it).  fio keeps completing
#     reads on LUNs 0-2 throughout, and the host never enters recovery.
#     With a 30 s timeout, LUN 3 reads fine.
# (b) eh_scope=host on LUN 3: the driver resets the timer, as before this
#     series: the same read just takes 4 s and succeeds, with no recovery.
# (c) The eh_scope module parameter: "target" (not offered by virtio_scsi)
#     and "x" are refused; "host" gives every LUN host scope at load.

SLOW_MS=$(cmdline_arg scsitest.vscsi_slow_ms) ||
	skip "no virtio-scsi LUNs (scsitest.vscsi_slow_ms unset)"
FIO_S=45

# vscsi_load [PARAMS]: load virtio_scsi (and virtio_pci), wait for the four
# disks; sets VH (host number), L0..L3 (HCTL) and D0..D3 (sd names).
vscsi_load() {
	vscsi_unload
	modprobe virtio_pci || die "modprobe virtio_pci failed"
	modprobe virtio_scsi "$@" || die "modprobe virtio_scsi $* failed"
	VH=
	wait_for 30 '[ -n "$(vscsi_host)" ]' || die "no virtio_scsi host appeared"
	VH=$(vscsi_host)
	for l in 0 1 2 3; do
		eval "L$l=$VH:0:0:$l"
		wait_for 60 "[ -n \"\$(sd_of $VH:0:0:$l)\" ]" ||
			die "LUN $l of virtio_scsi host $VH has no disk"
		eval "D$l=$(sd_of "$VH:0:0:$l")"
		eval "wait_for 20 '[ -b /dev/\$D$l ]'" || die "no block device for LUN $l"
	done
}

vscsi_host() {
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = virtio_scsi ] && echo "${h##*host}"
	done
}

vscsi_unload() {
	rmmod virtio_scsi 2>/dev/null
	rmmod virtio_pci 2>/dev/null
	[ ! -d /sys/module/virtio_scsi ] || die "cannot unload virtio_scsi"
}

vhost_state() {
	cat /sys/class/scsi_host/host"$VH"/state
}

# (a)
vscsi_load
need_scoped_eh "$L3"
expect_eq "$(eh_attr "$L3" eh_scope)" "host [lun]" "eh_scope of $L3 (the driver's default)"
set_timeout "$L3" 1
FIO_RATE=40
export FIO_RATE
trace_start $EH_EVENTS
fio_start vscsi $FIO_S "$D0" "$D1" "$D2"
fio_wait_started "$D0" "$D1" "$D2"
sleep 4
t0=$(now_ms)
rc=$(read_block "$D3")
t1=$(now_ms)
wait_eh_idle "$L3" 30 || fail "$L3 still in scoped recovery 30 s after its read"
rec=$(eh_attr "$L3" eh_recoveries)
lres=$(eh_attr "$L3" eh_lun_resets)
esc=$(eh_attr "$L3" eh_escalations)
aborts_ok=$(trace_count scsi_eh_scoped_step "step=abort result=success")
wakeups=$(trace_count scsi_eh_wakeup)
fio_wait
trace_stop
unset FIO_RATE
diag "lun scope: the read on $L3 ended after $((t1 - t0)) ms with status $rc: $rec recoveries, $aborts_ok abort(s), $lres LUN reset(s)"

expect_ne "$rc" 0 "lun scope: exit status of the read on $L3"
expect_eq "$aborts_ok" 1 "lun scope: aborts from $L3's ladder that succeeded (the first timeout's)"
expect_cmp "$lres" ">=" 1 "lun scope: LUN resets of $L3 (for retries that timed out again)"
expect_eq "$rec" $((lres + 1)) "lun scope: scoped recoveries of $L3 (one abort, then one LUN reset each)"
expect_eq "$esc" 0 "lun scope: escalations of $L3 to host recovery"
expect_eq "$wakeups" 0 "lun scope: host error handler wake-ups"
expect_eq "$(vhost_state)" running "lun scope: state of virtio_scsi host $VH"
expect_eq "$(dev_state "$L3")" running "lun scope: state of $L3"
echo "hctl,dev,window_ms,reads_4s_before,reads_window,availability_pct,longest_gap_ms" > /tmp/vscsi.csv
[ $((t1 + 1000)) -le $((t0 + (FIO_S - 5) * 1000)) ] ||
	fail "lun scope: the read ($((t1 - t0)) ms) outlasted fio's run"
fio_window vscsi "lun scope" "$L0" "$D0" "$t0" "$t1" /tmp/vscsi.csv "$L3"
fio_window vscsi "lun scope" "$L1" "$D1" "$t0" "$t1" /tmp/vscsi.csv "$L3"
fio_window vscsi "lun scope" "$L2" "$D2" "$t0" "$t1" /tmp/vscsi.csv "$L3"
emit_file virtio_scsi_lun_scope.csv /tmp/vscsi.csv

set_timeout "$L3" 30
rec0=$(eh_attr "$L3" eh_recoveries)
expect_eq "$(read_block "$D3")" 0 "lun scope: a read on $L3 with a 30 s timeout"
expect_eq "$(eh_attr "$L3" eh_recoveries)" "$rec0" "lun scope: recoveries of $L3 for that read"

# (b)
eh_scope_set "$L3" host || die "cannot set eh_scope of $L3 to host"
set_timeout "$L3" 1
trace_start $EH_EVENTS
rec0=$(eh_attr "$L3" eh_recoveries)
t0=$(now_ms)
rc=$(read_block "$D3")
t1=$(now_ms)
trace_stop
diag "host scope: the read on $L3 ended after $((t1 - t0)) ms with status $rc"
expect_eq "$rc" 0 "host scope: exit status of the read on $L3"
expect_cmp "$((t1 - t0))" ">=" $((SLOW_MS - 100)) "host scope: ms the read on $L3 waited for QEMU"
expect_eq "$(eh_attr "$L3" eh_recoveries)" "$rec0" "host scope: scoped recoveries of $L3"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host scope: host error handler wake-ups"
expect_eq "$(trace_count scsi_eh_scoped_start)" 0 "host scope: scoped recoveries started"

# (c)
for v in target x; do
	vscsi_unload
	dmesg -c > /dev/null
	if modprobe virtio_scsi eh_scope="$v" 2>/dev/null; then
		fail "virtio_scsi loaded with eh_scope=$v"
	else
		pass "virtio_scsi refuses eh_scope=$v"
	fi
	expect_cmp "$(dmesg | grep -c "eh_scope: '$v' is not one of: host, lun")" ">=" 1 \
		"messages naming eh_scope=$v and the choices"
done
vscsi_load eh_scope=host
for l in 0 1 2 3; do
	eval "h=\$L$l"
	expect_eq "$(eh_attr "$h" eh_scope)" "[host] lun" "eh_scope of $h with eh_scope=host"
done
vscsi_unload
