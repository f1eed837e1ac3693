# megaraid_sas on QEMU's megasas-gen2: what QEMU can show of its opt-in.
#
# QEMU emulates an LSI SAS2108, which megaraid_sas drives on its MFI path:
# no task abort and no target reset, only the adapter reset.  So the driver
# gives its disk host scope, although its template offers target scope.  An
# administrator may still choose target scope in sysfs; a target reset then
# fails (sg_reset -t -N, no escalation) with the driver's own message, and
# the host never stops.  That is the evidence that QEMU cannot run the
# target-scoped path this driver offers on fusion adapters.

modprobe megaraid_sas || die "modprobe megaraid_sas failed"
MH=
wait_for 60 '[ -n "$(for h in /sys/class/scsi_host/host*; do
	[ "$(cat $h/proc_name 2>/dev/null)" = megaraid_sas ] && echo ${h##*host}; done)" ]' ||
	die "no megaraid_sas host appeared"
for h in /sys/class/scsi_host/host*; do
	[ "$(cat "$h/proc_name" 2>/dev/null)" = megaraid_sas ] && MH=${h##*host}
done
wait_for 60 "ls -d /sys/bus/scsi/devices/$MH:*:*:*/block/* > /dev/null 2>&1" ||
	die "megaraid_sas host $MH shows no disk"
M=$(ls -d /sys/bus/scsi/devices/"$MH":*:*:*/block/* | head -n 1)
M=$(basename "$(dirname "$(dirname "$M")")")
D=$(sd_of "$M")
diag "megaraid_sas host $MH: disk $M ($D)"
wait_for 20 "[ -b /dev/$D ]" || die "no /dev/$D"
need_scoped_eh "$M"
expect_eq "$(eh_attr "$M" eh_scope)" "[host] target" "eh_scope of $M (MFI adapter: host)"
expect_eq "$(read_block "$D")" 0 "a read on $M"

eh_scope_set "$M" target || fail "cannot set eh_scope of $M to target"
expect_eq "$(eh_attr "$M" eh_scope)" "host [target]" "eh_scope of $M after writing target"
dmesg -c > /dev/null
sg_reset -N -t /dev/"$(sg_of "$M")" > /tmp/sg_reset.out 2>&1
rc=$?
diag "sg_reset -N -t: status $rc: $(tr '\n' ' ' < /tmp/sg_reset.out)"
expect_ne "$rc" 0 "exit status of sg_reset -N -t on $M (the MFI path has no target reset)"
expect_cmp "$(dmesg | grep -c 'TARGET RESET not supported')" ">=" 1 \
	"megaraid_sas messages 'TARGET RESET not supported'"
expect_eq "$(cat /sys/class/scsi_host/host"$MH"/state)" running "state of megaraid_sas host $MH"
expect_eq "$(dev_state "$M")" running "state of $M"
expect_eq "$(read_block "$D")" 0 "a read on $M after the refused reset"
rmmod megaraid_sas || fail "rmmod megaraid_sas failed"
