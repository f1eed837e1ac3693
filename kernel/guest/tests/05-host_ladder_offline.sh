# Host recovery, case (d): every step fails.  Abort, LUN reset and target
# reset fail; bus and host reset run but the LUN still fails TEST UNIT READY.
# The device is set offline and the command ends with an I/O error; the other
# devices stay usable.

sdebug_load 2 4
H=$(hctl 0 0)
D=$(sd_of "$H")
OTHER=$(hctl 1 0)
set_timeout "$H" 2

inject "$H" "0 -1 0x28"
inject "$H" "3 1 0x28"		# aborts always fail
inject "$H" "4 1 0x28"		# LUN resets always fail
inject "$H" "2 1 0x00 0x01 0x00 0x00 0x00 0x00 0x00"	# TUR: DID_NO_CONNECT
target_reset_fails "$SDEBUG_HOST:0:0" Y
rc=$(read_block "$D")

expect_ne "$rc" 0 "exit status of the read on $H"
if grep -q "Input/output error" /tmp/dd.err; then
	pass "the read ended with EIO"
else
	fail "the read did not end with EIO: $(cat /tmp/dd.err)"
fi
expect_cmp "$(resets device)" ">=" 1 "LUN resets"
expect_cmp "$(resets target)" ">=" 1 "target resets"
expect_eq "$(resets bus)" 1 "bus resets"
expect_eq "$(resets host)" 1 "host resets"
expect_eq "$(dev_state "$H")" offline "state of $H"
expect_eq "$(host_state)" running "state of host $SDEBUG_HOST"
expect_eq "$(dev_state "$OTHER")" running "state of $OTHER"
expect_eq "$(read_block "$(sd_of "$OTHER")")" 0 "exit status of a read on $OTHER"
