# SG_SCSI_RESET (sg_reset) on a scoped device stops only what it resets.
#
# scsi_debug, 2 targets x 2 LUNs, task management functions of 2 s.  fio
# reads LUN 0:1 (the sibling) and LUN 1:0 (the other target) while sg_reset
# resets LUN 0:0 or its target.  A reset of the host-wide kind marks the
# host as recovering (tmf_in_progress) for the 2 s: nothing is dispatched
# anywhere on it.
#
# (a) eh_scope=lun, sg_reset -d: one LUN reset; the sibling and the other
#     target keep completing reads through it.
# (b) eh_scope=host, sg_reset -d: the same reset stalls both for its 2 s.
# (c) eh_scope=target, sg_reset -t: one target reset; the sibling stalls,
#     the other target does not.
# (d) eh_scope=lun, a LUN reset that fails (sg_reset -d without -N): the
#     ioctl goes on to the target reset, host-wide as before, since the
#     device has no target scope; the other target stalls for it.
# (e) eh_scope=lun, two sg_reset -d at once on LUNs of both targets: with
#     one scoped TMF slot (scoped_eh_tmfs=1), the second reset waits for
#     the first: they take 4 s, not 2.

FIO_S=12

# sgr_run SCOPE FLAG [ERROR]: reload scsi_debug with SCOPE, start fio on 0:1
# and 1:0, run sg_reset FLAG on 0:0 (after injecting ERROR, if given), and
# set SGR_RC (sg_reset's status), SGR_MS (its duration), SGR_GAP_S and
# SGR_GAP_O (longest gaps on 0:1 and 1:0 while it ran).
sgr_run() {
	sdebug_load 2 2 eh_scope="$1" tmf_delay_ms=2000
	H=$(hctl 0 0)
	SGR_S=$(sd_of "$(hctl 0 1)")
	SGR_O=$(sd_of "$(hctl 1 0)")
	[ -n "${3:-}" ] && inject "$H" "$3"
	fio_start "sgr-$1" $FIO_S "$SGR_S" "$SGR_O"
	fio_wait_started "$SGR_S" "$SGR_O"
	sleep 2
	_t0=$(now_ms)
	sg_reset "$2" /dev/"$(sg_of "$H")" > /tmp/sg_reset.out 2>&1
	SGR_RC=$?
	_t1=$(now_ms)
	fio_wait
	SGR_MS=$((_t1 - _t0))
	SGR_GAP_S=$(fio_gap "sgr-$1" "$SGR_S" "$_t0" "$_t1")
	SGR_GAP_O=$(fio_gap "sgr-$1" "$SGR_O" "$_t0" "$_t1")
	diag "$1 scope, sg_reset $2: status $SGR_RC after $SGR_MS ms; longest gaps $SGR_GAP_S ms (sibling), $SGR_GAP_O ms (other target)"
}

# (a)
sgr_run lun -d
need_scoped_eh "$H"
expect_eq "$SGR_RC" 0 "lun scope: exit status of sg_reset -d"
expect_eq "$(resets device)" 1 "lun scope: LUN resets"
expect_eq "$(resets target)" 0 "lun scope: target resets"
expect_cmp "$SGR_MS" ">=" 1800 "lun scope: ms sg_reset took (the 2 s LUN reset)"
expect_cmp "$SGR_GAP_S" "<" 1000 "lun scope: longest gap on the sibling LUN during the reset (ms)"
expect_cmp "$SGR_GAP_O" "<" 1000 "lun scope: longest gap on the other target during the reset (ms)"
expect_eq "$(read_block "$(sd_of "$H")")" 0 "lun scope: a read on $H after the reset"

# (b)
sgr_run host -d
expect_eq "$SGR_RC" 0 "host scope: exit status of sg_reset -d"
expect_eq "$(resets device)" 1 "host scope: LUN resets"
expect_cmp "$SGR_GAP_S" ">=" 1500 "host scope: longest gap on the sibling LUN during the reset (ms)"
expect_cmp "$SGR_GAP_O" ">=" 1500 "host scope: longest gap on the other target during the reset (ms)"

# (c)
sgr_run target -t
expect_eq "$SGR_RC" 0 "target scope: exit status of sg_reset -t"
expect_eq "$(resets target)" 1 "target scope: target resets"
expect_eq "$(resets bus)" 0 "target scope: bus resets"
expect_cmp "$SGR_GAP_S" ">=" 1500 "target scope: longest gap on the sibling LUN during the reset (ms)"
expect_cmp "$SGR_GAP_O" "<" 1000 "target scope: longest gap on the other target during the reset (ms)"
expect_eq "$(read_block "$(sd_of "$H")")" 0 "target scope: a read on $H after the reset"

# (d)
sgr_run lun -d "4 -1 0xff"		# the next LUN reset of 0:0 fails
expect_eq "$SGR_RC" 0 "lun scope, LUN reset fails: exit status of sg_reset -d"
expect_eq "$(resets device)" 1 "lun scope, LUN reset fails: LUN resets"
expect_eq "$(resets target)" 1 "lun scope, LUN reset fails: target resets"
expect_cmp "$SGR_MS" ">=" 3600 "lun scope, LUN reset fails: ms sg_reset took (both resets)"
expect_cmp "$SGR_GAP_O" ">=" 1500 "lun scope, LUN reset fails: longest gap on the other target (ms)"

# (e)
sdebug_load 2 2 eh_scope=lun tmf_delay_ms=2000
A=$(hctl 0 0)
B=$(hctl 1 0)
t0=$(now_ms)
sg_reset -d /dev/"$(sg_of "$A")" > /tmp/sg_reset_a.out 2>&1 &
pa=$!
sg_reset -d /dev/"$(sg_of "$B")" > /tmp/sg_reset_b.out 2>&1 &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
t1=$(now_ms)
diag "two resets at once: both ended after $((t1 - t0)) ms"
expect_eq "$ra" 0 "two resets: exit status of sg_reset -d on $A"
expect_eq "$rb" 0 "two resets: exit status of sg_reset -d on $B"
expect_eq "$(resets device)" 2 "two resets: LUN resets"
expect_cmp "$((t1 - t0))" ">=" 3600 "two resets: ms both took with one slot (two 2 s resets, one after the other)"
