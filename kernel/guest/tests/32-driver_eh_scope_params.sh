# The opted-in drivers that nothing here can run (no emulator, or QEMU's
# megasas on the MFI path) still load, and each one's eh_scope module
# parameter holds the scope its template offers: its default, the values it
# accepts, and the ones it refuses with a message, leaving the module
# unloaded.  virtio_scsi and iscsi_tcp are checked the same way.  hisi_sas,
# which keeps host scope, has no such parameter.
#
# driver, default, accepted values, refused values:
CASES="virtio_scsi lun host,lun target,lun+target,x
smartpqi lun host,lun target,lun+target,x
megaraid_sas target host,target lun,lun+target,x
mpt3sas lun+target host,lun,target,lun+target x
iscsi_tcp lun+target host,lun,target,lun+target x"

P=/sys/module
echo "$CASES" > /tmp/eh_scope_cases
while read -r mod def ok bad; do
	rmmod "$mod" 2>/dev/null
	modprobe "$mod" || { fail "modprobe $mod failed"; continue; }
	expect_eq "$(cat $P/"$mod"/parameters/eh_scope)" "$def" "$mod: default eh_scope"
	rmmod "$mod" || fail "rmmod $mod failed"
	for v in $(echo "$ok" | tr ',' ' '); do
		if modprobe "$mod" eh_scope="$v"; then
			expect_eq "$(cat $P/"$mod"/parameters/eh_scope)" "$v" "$mod: eh_scope=$v"
			rmmod "$mod"
		else
			fail "$mod refuses eh_scope=$v"
		fi
	done
	for v in $(echo "$bad" | tr ',' ' '); do
		dmesg -c > /dev/null
		if modprobe "$mod" eh_scope="$v" 2>/dev/null; then
			fail "$mod loaded with eh_scope=$v"
			rmmod "$mod"
		else
			pass "$mod refuses eh_scope=$v"
		fi
		expect_cmp "$(dmesg | grep -c "$mod.eh_scope: '$v' is not one of")" ">=" 1 \
			"$mod: messages about eh_scope=$v"
		[ ! -d "$P/$mod" ] || fail "$mod is loaded after eh_scope=$v"
	done
done < /tmp/eh_scope_cases

modprobe hisi_sas_v3_hw || fail "modprobe hisi_sas_v3_hw failed"
if [ -e $P/hisi_sas_main/parameters/eh_scope ] ||
	[ -e $P/hisi_sas_v3_hw/parameters/eh_scope ]; then
	fail "hisi_sas has an eh_scope parameter"
else
	pass "hisi_sas has no eh_scope parameter (libsas keeps host scope)"
fi
rmmod hisi_sas_v3_hw hisi_sas_main 2>/dev/null
