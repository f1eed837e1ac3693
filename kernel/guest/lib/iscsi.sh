# iSCSI over loopback inside the guest: an LIO target configured through
# configfs, and open-iscsi's iscsid and iscsiadm as the initiator's user
# space.  Sourced by helpers.sh; cleanup_all calls iscsi_cleanup.

ISCSI_IQN=iqn.2026-11.org.example.scoped:target
ISCSI_INITIATOR=iqn.2026-11.org.example.scoped:initiator
ISCSI_PORTAL=127.0.0.1:3260
LIO=/sys/kernel/config/target
ISCSI_HOST=

# iscsi_target_setup BACKING...: an LIO iSCSI target on 127.0.0.1:3260 with
# one LUN per BACKING, numbered from 0: "file" is a 16 MiB file in /tmp
# (fileio), a block device name (e.g. sdb) is used through iblock.  No
# authentication, any initiator may log in.
iscsi_target_setup() {
	# The target's login needs crc32c; the guest has no modprobe where
	# the kernel would look for one, so load it here.
	for m in crc32c_generic target_core_mod target_core_file \
		target_core_iblock iscsi_target_mod; do
		modprobe "$m" || die "modprobe $m failed"
	done
	grep -q ' /sys/kernel/config ' /proc/mounts ||
		mount -t configfs configfs /sys/kernel/config ||
		die "cannot mount configfs"
	ip link set lo up || die "cannot bring lo up"
	_tpg=$LIO/iscsi/$ISCSI_IQN/tpgt_1
	mkdir -p "$_tpg" || die "cannot create the LIO target $ISCSI_IQN"
	_l=0
	for b in "$@"; do
		if [ "$b" = file ]; then
			_bs=$LIO/core/fileio_0/lun$_l
			mkdir -p "$_bs" || die "cannot create fileio backstore $_l"
			echo "fd_dev_name=/tmp/iscsi-lun$_l.img,fd_dev_size=16777216" \
				> "$_bs/control" || die "cannot configure fileio backstore $_l"
		else
			_bs=$LIO/core/iblock_0/lun$_l
			mkdir -p "$_bs" || die "cannot create iblock backstore $_l"
			echo "udev_path=/dev/$b" > "$_bs/control" ||
				die "cannot configure iblock backstore $_l on $b"
		fi
		echo 1 > "$_bs/enable" || die "cannot enable backstore $_l ($b)"
		mkdir "$_tpg/lun/lun_$_l" || die "cannot create LUN $_l"
		ln -s "$_bs" "$_tpg/lun/lun_$_l/store" || die "cannot map LUN $_l"
		_l=$((_l + 1))
	done
	mkdir "$_tpg/np/$ISCSI_PORTAL" || die "cannot open portal $ISCSI_PORTAL"
	echo 0 > "$_tpg/attrib/authentication"
	echo 1 > "$_tpg/attrib/generate_node_acls"
	echo 1 > "$_tpg/attrib/cache_dynamic_acls"
	echo 0 > "$_tpg/attrib/demo_mode_write_protect"
	echo 1 > "$_tpg/enable" || die "cannot enable the LIO target"
}

# iscsi_login LUNS [iscsi_tcp parameters...]: start iscsid, log in to the
# target, and wait for LUNS disks.  Sets ISCSI_HOST (the session's host
# number).
iscsi_login() {
	_n=$1
	shift
	modprobe iscsi_tcp "$@" || die "modprobe iscsi_tcp $* failed"
	mkdir -p /etc/iscsi /run/lock/iscsi /var/lib/iscsi
	echo "InitiatorName=$ISCSI_INITIATOR" > /etc/iscsi/initiatorname.iscsi
	# iscsiadm must not try to start iscsid through systemd.
	cat > /etc/iscsi/iscsid.conf <<-EOF
	iscsid.startup = /bin/true
	node.startup = manual
	node.session.timeo.replacement_timeout = 30
	node.conn[0].timeo.noop_out_interval = 5
	node.conn[0].timeo.noop_out_timeout = 5
	node.session.err_timeo.abort_timeout = 15
	node.session.err_timeo.lu_reset_timeout = 30
	node.session.err_timeo.tgt_reset_timeout = 30
	node.session.scan = auto
	EOF
	pidof iscsid > /dev/null || iscsid || die "iscsid did not start"
	wait_for 10 'iscsiadm -m session > /dev/null 2>&1; [ $? -ne 20 ]' ||
		die "iscsid does not answer iscsiadm"
	iscsiadm -m discovery -t sendtargets -p "$ISCSI_PORTAL" > /tmp/iscsi.log 2>&1 ||
		die "iSCSI discovery on $ISCSI_PORTAL failed: $(cat /tmp/iscsi.log)"
	iscsiadm -m node -T "$ISCSI_IQN" -p "$ISCSI_PORTAL" --login >> /tmp/iscsi.log 2>&1 ||
		die "iSCSI login failed: $(cat /tmp/iscsi.log)"
	ISCSI_HOST=
	for h in /sys/class/iscsi_host/host*; do
		[ -d "$h" ] && ISCSI_HOST=${h##*/host}
	done
	[ -n "$ISCSI_HOST" ] || die "no iSCSI host after login"
	wait_for 60 "[ \$(ls -d /sys/bus/scsi/devices/$ISCSI_HOST:0:0:*/block/* 2>/dev/null | wc -l) -eq $_n ]" ||
		die "only $(ls -d /sys/bus/scsi/devices/$ISCSI_HOST:0:0:*/block/* 2>/dev/null | wc -l) of $_n iSCSI disks appeared"
	for l in $(seq 0 $((_n - 1))); do
		wait_for 20 "[ -b /dev/\$(sd_of $ISCSI_HOST:0:0:$l) ]" ||
			die "no block device for iSCSI LUN $l"
	done
}

# iscsi_cleanup: log out, stop iscsid, take the target down, unload it all.
iscsi_cleanup() {
	[ -d /sys/module/iscsi_tcp ] || [ -d /sys/module/target_core_mod ] || return 0
	iscsiadm -m node -U all > /dev/null 2>&1
	killall iscsid 2>/dev/null
	_tpg=$LIO/iscsi/$ISCSI_IQN/tpgt_1
	if [ -d "$_tpg" ]; then
		echo 0 > "$_tpg/enable" 2>/dev/null
		rmdir "$_tpg/np/$ISCSI_PORTAL" 2>/dev/null
		for l in "$_tpg"/lun/lun_*; do
			[ -d "$l" ] || continue
			rm -f "$l/store"
			rmdir "$l"
		done
		rmdir "$_tpg" "$LIO/iscsi/$ISCSI_IQN" 2>/dev/null
	fi
	for b in "$LIO"/core/fileio_0/lun* "$LIO"/core/iblock_0/lun*; do
		[ -d "$b" ] && rmdir "$b"
	done
	rmdir "$LIO"/core/fileio_0 "$LIO"/core/iblock_0 2>/dev/null
	rmdir "$LIO/iscsi" 2>/dev/null
	for m in iscsi_tcp libiscsi_tcp libiscsi iscsi_target_mod \
		target_core_iblock target_core_file target_core_mod; do
		rmmod "$m" 2>/dev/null
	done
	rm -f /tmp/iscsi-lun*.img
	ISCSI_HOST=
}
