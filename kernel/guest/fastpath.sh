#!/bin/sh
# Fast-path cost: error-free random reads on 16 LUNs (scsi_debug, 4 targets
# x 4 LUNs, answering at once: delay=0), as fast as the guest can issue them,
# one fio process per LUN, for FP_SECONDS (default 8) after a 2 s ramp.
# Runs on the unpatched kernel too: there only "host" is measured; on the
# patched kernel the same run is made with the default (host) scope and with
# every device in lun+target scope, alternating, scsitest.runs=N times
# (default 3).  Each run's fio JSON (group report: IOPS, completion latency
# percentiles) is sent to the host as fastpath-MODE-RUN.json.
. /guest/lib/helpers.sh
TEST_NAME=fastpath

RUNS=$(cmdline_arg scsitest.runs 3)
SECS=${FP_SECONDS:-8}

sdebug_load 1 1
if [ -f /sys/module/scsi_debug/parameters/eh_scope ]; then
	KERNEL=patched
	MODES="host lun+target"
else
	KERNEL=unpatched
	MODES=host
fi
sdebug_unload
diag "kernel: $KERNEL ($(uname -r)), modes: $MODES, $RUNS run(s) of $SECS s"

for run in $(seq 1 "$RUNS"); do
	for m in $MODES; do
		p="delay=0"
		[ "$KERNEL" = patched ] && p="$p eh_scope=$m"
		# shellcheck disable=SC2086
		sdebug_load 4 4 $p
		files=""
		for t in 0 1 2 3; do
			for l in 0 1 2 3; do
				files="$files /dev/$(sd_of "$(hctl $t $l)")"
			done
		done
		set -- $files
		jobs=""
		for f in "$@"; do
			jobs="$jobs --name=${f#/dev/} --filename=$f"
		done
		# shellcheck disable=SC2086
		fio --rw=randread --bs=4k --direct=1 --ioengine=psync --size=8m \
			--time_based --ramp_time=2 --runtime="$SECS" \
			--group_reporting --output-format=json \
			--output=/tmp/fp.json $jobs > /dev/null 2>&1 ||
			die "fio failed ($m, run $run)"
		iops=$(sed -n 's/^ *"iops" : \([0-9.]*\),$/\1/p' /tmp/fp.json | head -1)
		diag "$KERNEL, $m scope, run $run: $iops IOPS"
		emit_file "fastpath-$m-$run.json" /tmp/fp.json
		sdebug_unload
	done
done
