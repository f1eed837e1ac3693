# The knobs of scoped recovery.
# - eh_scope in sysfs: host by default, "[host] lun target lun+target" (the
#   scopes scsi_debug's resets support); it takes each of those names,
#   refuses anything else and keeps its value; a device switched to lun at
#   run time recovers on its own (the host never wakes).
# - the target's eh_state and counters start idle and at 0.
# - scsi_debug's eh_scope and tmf_delay_ms parameters: bad values make the
#   load fail; a bad run-time write of tmf_delay_ms fails and keeps the value.
# - SG_SCSI_RESET (sg_reset -d) on a lun-scoped device resets the LUN once
#   and leaves the host and the device working.

sdebug_load 1 2
H=$(hctl 0 0)
D=$(sd_of "$H")
SIBLING=$(hctl 0 1)
need_scoped_eh "$H"
expect_eq "$(eh_attr "$H" eh_scope)" "[host] lun target lun+target" "default eh_scope of $H"
expect_eq "$(eh_attr "$H" eh_state)" idle "eh_state of $H"
TG=/sys/bus/scsi/devices/target${H%:*}
expect_eq "$(cat "$TG"/eh_state 2>/dev/null)" idle "eh_state of target${H%:*}"
for a in eh_recoveries eh_lun_resets eh_target_resets eh_escalations eh_blocked_ms; do
	expect_eq "$(cat "$TG"/$a 2>/dev/null)" 0 "$a of target${H%:*}"
done
for a in eh_recoveries eh_lun_resets eh_escalations eh_blocked_ms; do
	expect_eq "$(eh_attr "$H" $a)" 0 "$a of $H"
done

eh_scope_set "$H" lun
expect_eq "$?" 0 "exit status of writing 'lun' to eh_scope"
expect_eq "$(eh_attr "$H" eh_scope)" "host [lun] target lun+target" "eh_scope of $H after writing 'lun'"
eh_scope_set "$H" target
expect_eq "$?" 0 "exit status of writing 'target' to eh_scope"
expect_eq "$(eh_attr "$H" eh_scope)" "host lun [target] lun+target" "eh_scope of $H after writing 'target'"
eh_scope_set "$H" lun+target
expect_eq "$?" 0 "exit status of writing 'lun+target' to eh_scope"
expect_eq "$(eh_attr "$H" eh_scope)" "host lun target [lun+target]" "eh_scope of $H after writing 'lun+target'"
eh_scope_set "$H" lun
for v in bogus "" lunx target+lun "lun target" LUN; do
	eh_scope_set "$H" "$v"
	expect_ne "$?" 0 "exit status of writing '$v' to eh_scope"
	expect_eq "$(eh_attr "$H" eh_scope)" "host [lun] target lun+target" "eh_scope of $H after writing '$v'"
done
eh_scope_set "$H" host
expect_eq "$?" 0 "exit status of writing 'host' to eh_scope"
expect_eq "$(eh_attr "$H" eh_scope)" "[host] lun target lun+target" "eh_scope of $H after writing 'host'"

# Switched at run time, the LUN recovers on its own; its sibling keeps the
# host scope.
eh_scope_set "$H" lun || fail "could not set eh_scope of $H to lun"
expect_eq "$(eh_attr "$SIBLING" eh_scope)" "[host] lun target lun+target" "eh_scope of sibling $SIBLING"
set_timeout "$H" 2
trace_start $EH_EVENTS
fault_steps "$H" abort		# READ(10) never answered, its abort fails
rc=$(read_block "$D")
wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
trace_stop
expect_eq "$rc" 0 "exit status of the read on $H"
expect_eq "$(eh_attr "$H" eh_recoveries)" 1 "scoped recoveries on $H"
expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
expect_eq "$(dev_state "$H")" running "state of $H"

# Module parameters: a bad value makes the load fail.
for p in eh_scope=bogus eh_scope=target+lun tmf_delay_ms=-1 tmf_delay_ms=60001 tmf_delay_ms=abc; do
	sdebug_unload || die "could not unload scsi_debug"
	modprobe scsi_debug "$p" 2>/dev/null
	expect_ne "$?" 0 "exit status of modprobe scsi_debug $p"
	if [ -d /sys/module/scsi_debug ]; then
		fail "scsi_debug loaded with $p"
	else
		pass "scsi_debug not loaded with $p"
	fi
done

# Good values load; a bad run-time write of tmf_delay_ms fails and keeps the
# value, a good one takes.
sdebug_load 1 2 eh_scope=lun tmf_delay_ms=100
H=$(hctl 0 0)
D=$(sd_of "$H")
need_scoped_eh "$H"
for h in "$H" "$(hctl 0 1)"; do
	expect_eq "$(eh_attr "$h" eh_scope)" "host [lun] target lun+target" "eh_scope of $h after loading with eh_scope=lun"
done
P=/sys/module/scsi_debug/parameters/tmf_delay_ms
expect_eq "$(cat $P)" 100 "tmf_delay_ms after loading with tmf_delay_ms=100"
for v in -5 abc 60001; do
	tmf_delay "$v"
	expect_ne "$?" 0 "exit status of writing '$v' to tmf_delay_ms"
	expect_eq "$(cat $P)" 100 "tmf_delay_ms after writing '$v'"
done
tmf_delay 0
expect_eq "$?" 0 "exit status of writing '0' to tmf_delay_ms"
expect_eq "$(cat $P)" 0 "tmf_delay_ms after writing '0'"

# SG_SCSI_RESET, device reset, on a lun-scoped device.
before=$(resets device)
sg_reset -d /dev/"$(sg_of "$H")" > /tmp/sg_reset.out 2>&1
expect_eq "$?" 0 "exit status of sg_reset -d on $H"
diag "sg_reset: $(tr '\n' ' ' < /tmp/sg_reset.out)"
expect_eq "$(resets device)" $((before + 1)) "LUN resets after sg_reset -d"
expect_eq "$(resets target)" 0 "target resets"
expect_eq "$(resets bus)" 0 "bus resets"
expect_eq "$(resets host)" 0 "host resets"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(read_block "$D")" 0 "exit status of a read on $H after the reset"
