# The rows of the cover letter's Scenario 2 (target scope) and Scenario 3
# (LUN then target scope) tables, one test each.  Sourced by the tests after
# helpers.sh; a test calls scenario_row SCOPE ROW.
#
# In every row a READ(10) on LUN 0:0 times out and its abort fails; the row
# then decides what the recovery steps do (scsi_debug's debugfs error file
# and per-target fail_reset):
#   1  LUN reset ok, TUR ok
#   2  LUN reset ok, TUR fails once; target reset ok, TUR ok
#   3  LUN reset fails; target reset ok, TUR ok
#   4  LUN reset fails; target reset ok, TUR fails once -> host recovery
#   5  LUN reset fails; target reset fails -> host recovery
# Host recovery, where a row reaches it, resolves the command with its own
# LUN reset (the injected failures are used up by then), so the read
# succeeds in every row.  The checks are on what the kernel did: which
# recoveries ran and in which order, which resets the driver saw, the
# counters, the host's and devices' state, and a unit attention (which a
# target reset leaves on every LUN it reset) on the other target.

# Trace events of device, target and host recovery.
SCENARIO_EVENTS="$EH_EVENTS scsi/scsi_eh_target_start scsi/scsi_eh_target_step
	scsi/scsi_eh_target_escalate scsi/scsi_eh_target_end"

# target_attr HOST:0:T NAME: a target's scoped-recovery attribute, or "gone".
target_attr() {
	cat /sys/bus/scsi/devices/target"$1"/"$2" 2>/dev/null || echo gone
}

# wait_target_idle HOST:0:T SECONDS
wait_target_idle() {
	_wt=$1
	wait_for "$2" '[ "$(target_attr "$_wt" eh_state)" = idle ]'
}

# first_time EVENT [PATTERN]: time stamp of the first matching event, or 0.
first_time() {
	trace_times "$@" | head -n 1 | grep . || echo 0
}

# scenario_row SCOPE ROW
scenario_row() {
	_scope=$1
	_row=$2
	sdebug_load 2 4 eh_scope="$_scope"
	H=$(hctl 0 0)
	T=${H%:*}
	D=$(sd_of "$H")
	OTHER=$(hctl 1 0)
	need_scoped_eh "$H"
	[ "$(target_attr "$T" eh_state)" = idle ] ||
		die "target$T has no eh_state: kernel without target scope"
	case $_scope in
	target) _want="host lun [target] lun+target" ;;
	lun+target) _want="host lun target [lun+target]" ;;
	*) die "scenario_row: scope $_scope is neither target nor lun+target" ;;
	esac
	expect_eq "$(eh_attr "$H" eh_scope)" "$_want" "eh_scope of $H"
	set_timeout "$H" 2

	case $_row in
	1) fault_steps "$H" abort ;;
	2) fault_steps "$H" abort; tur_fails "$H" ;;
	3) fault_steps "$H" abort lun ;;
	4) fault_steps "$H" abort lun; tur_fails "$H" ;;
	5) fault_steps "$H" abort lun target ;;
	*) die "scenario_row: no row $_row" ;;
	esac

	trace_start $SCENARIO_EVENTS
	rc=$(read_block "$D")
	wait_eh_idle "$H" 30 || fail "$H still in scoped recovery 30 s after the read"
	wait_target_idle "$T" 30 || fail "target$T still recovering 30 s after the read"
	trace_stop

	expect_eq "$rc" 0 "exit status of the read on $H"
	expect_eq "$(dev_state "$H")" running "state of $H"
	expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
	# Nothing in any row resets the other target.
	expect_eq "$(pending_ua "$OTHER")" none "unit attention on the other target's $OTHER"

	# What each level should have done: device ladders run, device LUN
	# resets, device escalations; target ladders, target LUN resets,
	# target resets, target escalations; host recovery (0/1); LUN and
	# target resets scsi_debug saw.
	case "$_scope/$_row" in
	target/1) set -- 0 0 0  1 1 0 0  0  1 0 ;;
	target/2) set -- 0 0 0  1 1 1 0  0  1 1 ;;
	target/3) set -- 0 0 0  1 1 1 0  0  1 1 ;;
	target/4) set -- 0 0 0  1 1 1 1  1  2 1 ;;
	target/5) set -- 0 0 0  1 1 1 1  1  2 1 ;;
	lun+target/1) set -- 1 1 0  0 0 0 0  0  1 0 ;;
	lun+target/2) set -- 1 1 1  1 0 1 0  0  1 1 ;;
	lun+target/3) set -- 1 1 1  1 0 1 0  0  1 1 ;;
	lun+target/4) set -- 1 1 1  1 0 1 1  1  2 1 ;;
	lun+target/5) set -- 1 1 1  1 0 1 1  1  2 1 ;;
	*) die "scenario_row: no expectations for $_scope row $_row" ;;
	esac
	expect_eq "$(eh_attr "$H" eh_recoveries)" "$1" "LUN recoveries of $H"
	expect_eq "$(eh_attr "$H" eh_lun_resets)" "$2" "LUN resets by $H's own recovery"
	expect_eq "$(eh_attr "$H" eh_escalations)" "$3" "escalations of $H's own recovery"
	expect_eq "$(target_attr "$T" eh_recoveries)" "$4" "recoveries of target$T"
	expect_eq "$(target_attr "$T" eh_lun_resets)" "$5" "LUN resets by target$T's recovery"
	expect_eq "$(target_attr "$T" eh_target_resets)" "$6" "target resets by target$T's recovery"
	expect_eq "$(target_attr "$T" eh_escalations)" "$7" "escalations of target$T's recovery"
	if [ "$8" -eq 0 ]; then
		expect_eq "$(trace_count scsi_eh_wakeup)" 0 "host error handler wake-ups"
	else
		expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
	fi
	expect_eq "$(resets device)" "$9" "LUN resets"
	shift
	expect_eq "$(resets target)" "$9" "target resets"
	expect_eq "$(resets bus)" 0 "bus resets"
	expect_eq "$(resets host)" 0 "host resets"
	expect_eq "$(target_attr "$(hctl 1 0 | sed 's/:[0-9]*$//')" eh_recoveries)" 0 \
		"recoveries of the other target"

	# The order: the device's own recovery, then the target's, then the
	# host's, each starting after the one before gave up.
	_ds=$(first_time scsi_eh_scoped_start)
	_de=$(first_time scsi_eh_scoped_escalate)
	_ts=$(first_time scsi_eh_target_start)
	_te=$(first_time scsi_eh_target_escalate)
	_hw=$(first_time scsi_eh_wakeup)
	case $_row in
	1) ;;
	2 | 3)
		expect_eq "$(trace_count scsi_eh_target_end "result=recovered")" 1 "target recoveries that ended recovered"
		expect_eq "$(trace_count scsi_eh_target_step "step=target_reset result=success")" 1 "target reset steps that succeeded"
		expect_eq "$(trace_count scsi_eh_target_step "lun=-1 step=tur result=success")" 1 "TUR after the target reset that succeeded"
		;;
	4)
		expect_eq "$(trace_count scsi_eh_target_step "step=target_reset result=success")" 1 "target reset steps that succeeded"
		expect_eq "$(trace_count scsi_eh_target_step "lun=-1 step=tur result=failed")" 1 "TUR after the target reset that failed"
		expect_eq "$(trace_count scsi_eh_target_end "result=escalated")" 1 "target recoveries that ended escalated"
		;;
	5)
		expect_eq "$(trace_count scsi_eh_target_step "step=target_reset result=failed")" 1 "target reset steps that failed"
		expect_eq "$(trace_count scsi_eh_target_end "result=escalated")" 1 "target recoveries that ended escalated"
		;;
	esac
	if [ "$_scope" = lun+target ] && [ "$_row" -ge 2 ]; then
		expect_cmp "$_de" "<=" "$_ts" "LUN recovery escalated ($_de s) before target recovery started ($_ts s)"
		expect_cmp "$_ds" ">" 0 "LUN recovery traced"
	fi
	if [ "$_row" -ge 4 ]; then
		expect_cmp "$_te" "<=" "$_hw" "target recovery escalated ($_te s) before host recovery woke ($_hw s)"
		expect_cmp "$_te" ">" 0 "target escalation traced"
	fi
	if [ "$_scope" = lun+target ] && [ "$_row" -ge 2 ]; then
		# The target ladder skipped the LUN reset the device ladder sent.
		expect_eq "$(trace_count scsi_eh_target_step "step=lun_reset")" 0 "LUN reset steps of the target ladder"
	fi
}
