# scsi_debug comes up with 2 targets x 4 LUNs on one host; every LUN has a
# block device, and a block written to each reads back intact.

sdebug_load 2 4
expect_eq "$(sdebug_ndisks)" 8 "disks on host $SDEBUG_HOST"
expect_eq "$(ls -d /sys/class/scsi_host/host"$SDEBUG_HOST"/device/target* | wc -l)" 2 \
	"targets on host $SDEBUG_HOST"

n=0
for t in 0 1; do
	for l in 0 1 2 3; do
		h=$(hctl $t $l)
		d=$(sd_of "$h")
		[ -b "/dev/$d" ] || { fail "$h has no block device"; continue; }
		n=$((n + 1))
		yes "$h $d" | head -c 4096 > /tmp/pattern
		# Every LUN gets its own block: scsi_debug LUNs share one store.
		dd if=/tmp/pattern of="/dev/$d" bs=4096 seek=$n oflag=direct \
			2>/dev/null || fail "write to $h ($d) failed"
		got=$(dd if="/dev/$d" bs=4096 skip=$n count=1 iflag=direct \
			2>/dev/null | md5sum | cut -d' ' -f1)
		want=$(md5sum < /tmp/pattern | cut -d' ' -f1)
		expect_eq "$got" "$want" "checksum of block $n read back from $h ($d)"
		expect_eq "$(dev_state "$h")" running "state of $h"
	done
done
expect_eq "$n" 8 "LUNs with a block device"
