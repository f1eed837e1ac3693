# Host recovery, case (c): abort, LUN reset and target reset all fail; the
# bus reset runs, which resets every target of the host: the other target's
# devices carry its unit attention afterwards.  The command then succeeds.

sdebug_load 2 4
H=$(hctl 0 0)
D=$(sd_of "$H")
OTHER=$(hctl 1 0)
set_timeout "$H" 2

trace_start scsi/scsi_eh_wakeup
fault_steps "$H" abort lun target
rc=$(read_block "$D")
trace_stop

expect_eq "$rc" 0 "exit status of the read on $H"
expect_cmp "$(trace_count scsi_eh_wakeup)" ">=" 1 "host error handler wake-ups"
expect_eq "$(resets device)" 1 "LUN resets"
expect_eq "$(resets target)" 1 "target resets"
b=$(resets bus)
hr=$(resets host)
expect_cmp "$((b + hr))" ">=" 1 "bus and host resets"
expect_eq "$(dev_state "$H")" running "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
for l in 0 1 2 3; do
	o=$(hctl 1 $l)
	expect_eq "$(pending_ua "$o")" 29/02 "unit attention on other target's $o"
done
