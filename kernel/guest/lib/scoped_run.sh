# One failing-LUN experiment under steady load, shared by the demonstration
# and the benchmark (sourced after helpers.sh).
#
# scoped_run TAG TARGETS LUNS "FAILING" "STEPS" [MODULE_PARAM...]
#   Loads scsi_debug with TARGETS x LUNS disks (and MODULE_PARAM...), starts
#   fio random reads at RUN_RATE per second (default 40) on every LUN, waits
#   until all of them complete reads, lets them run RUN_FAULT_S seconds
#   (default 5), then makes the next READ on each LUN of FAILING (a list of
#   TARGET:LUN, TARGET counted from 0 as tid does) time out
#   with the recovery steps of STEPS failing (fault_steps names; with
#   RUN_FAULT=error the READ fails at once with DID_TIME_OUT instead, see
#   fail_read, so that recovery starts with no timeout and no abort).  The run
#   ends RUN_TAIL_S seconds (default 2) after every failing LUN has completed
#   reads again, or after RUN_BOUND_S seconds (default 240).
#
#   The recovery time of a failing LUN is the time from the fault to the
#   completion of its faulted READ (the first completion on it that took a
#   second or more: the read waited out its timeout and the recovery, then
#   was retried).  The window runs from the fault to the last failing LUN's
#   recovery.  Writes /tmp/TAG.csv, one row per LUN:
#     hctl,dev,target,failing,iops_before,window_completions,
#     availability_pct,longest_gap_ms,recovery_ms,window_ms
#   (availability: completions in the window as a share of the rate of the
#   3 s before the fault; recovery_ms -1 when the faulted read never
#   completed), and sets RUN_T0 (fault, ms since the epoch), RUN_WINDOW (ms)
#   and RUN_RESETS ("aborts,lun,target,bus,host" as scsi_debug counted them).
#   fio's logs stay until cleanup_all: fio_iops TAG DEV ... reads them.

scoped_run() {
	_sr_tag=$1
	_sr_tg=$2
	_sr_lu=$3
	_sr_fail=$4
	_sr_steps=$5
	shift 5
	case "${RUN_FAULT:-timeout}" in
	timeout | error) ;;
	*) die "scoped_run: RUN_FAULT is '$RUN_FAULT', not timeout or error" ;;
	esac
	sdebug_load "$_sr_tg" "$_sr_lu" "$@"
	_sr_tl=$_sr_fail
	_sr_fail=""
	for _x in $_sr_tl; do
		_sr_fail="$_sr_fail $(hctl "$(tid "${_x%:*}")" "${_x#*:}")"
	done
	_sr_devs=""
	for _i in $(seq 0 $((_sr_tg - 1))); do
		_t=$(tid "$_i")
		for _l in $(seq 0 $((_sr_lu - 1))); do
			_sr_devs="$_sr_devs $(sd_of "$(hctl "$_t" "$_l")")"
		done
	done
	for _h in $_sr_fail; do
		set_timeout "$_h" 2
	done
	FIO_RATE=${RUN_RATE:-40}
	# 16 fio processes take a while to start on emulated CPUs: the clock of
	# the run starts when every LUN has completed reads.
	# shellcheck disable=SC2086
	fio_start "$_sr_tag" "$((${RUN_BOUND_S:-240} + 60))" $_sr_devs
	unset FIO_RATE
	# shellcheck disable=SC2086
	fio_wait_started $_sr_devs
	sleep "${RUN_FAULT_S:-5}"
	for _h in $_sr_fail; do
		# shellcheck disable=SC2086
		fault_arm "$_h" $_sr_steps
	done
	RUN_T0=$(now_ms)
	for _h in $_sr_fail; do
		if [ "${RUN_FAULT:-timeout}" = error ]; then
			fail_read "$_h"
		else
			fault_timeout "$_h"
		fi
		_d=$(sd_of "$_h")
		awk '{ print $1 }' /sys/block/"$_d"/stat > "$FIO_DIR/$_d.fault0"
	done
	# Recovered: two more reads completed after the fault, of which at most
	# one was in flight when it struck: the faulted read has completed.
	for _h in $_sr_fail; do
		_d=$(sd_of "$_h")
		wait_for "${RUN_BOUND_S:-240}" \
			"[ \$(awk '{ print \$1 }' /sys/block/$_d/stat) -ge \$((\$(cat $FIO_DIR/$_d.fault0) + 2)) ]" ||
			diag "$_sr_tag: $_h did not complete reads again within ${RUN_BOUND_S:-240} s"
	done
	sleep "${RUN_TAIL_S:-2}"
	for _p in $(cat "$FIO_DIR/pids"); do
		kill "$_p" 2>/dev/null
	done
	fio_wait
	RUN_RESETS="$(aborts),$(resets device),$(resets target),$(resets bus),$(resets host)"

	# Recovery of each failing LUN, and the end of the window.
	_sr_t1=$RUN_T0
	: > "/tmp/$_sr_tag.rec"
	for _h in $_sr_fail; do
		_d=$(sd_of "$_h")
		_r=$(awk -F, -v t0="$RUN_T0" '$1 + 0 > t0 && $2 + 0 >= 1000000000 {
				print $1 - t0; f = 1; exit }
			END { if (!f) print -1 }' "$(fio_log "$_sr_tag" "$_d")")
		echo "$_h $_r" >> "/tmp/$_sr_tag.rec"
		[ "$_r" -ge 0 ] && [ $((RUN_T0 + _r)) -gt "$_sr_t1" ] && _sr_t1=$((RUN_T0 + _r))
	done
	RUN_WINDOW=$((_sr_t1 - RUN_T0))
	echo "hctl,dev,target,failing,iops_before,window_completions,availability_pct,longest_gap_ms,recovery_ms,window_ms" \
		> "/tmp/$_sr_tag.csv"
	for _i in $(seq 0 $((_sr_tg - 1))); do
		_t=$(tid "$_i")
		for _l in $(seq 0 $((_sr_lu - 1))); do
			_h=$(hctl "$_t" "$_l")
			_d=$(sd_of "$_h")
			_b=$(fio_count "$_sr_tag" "$_d" $((RUN_T0 - 3000)) "$RUN_T0")
			_c=$(fio_count "$_sr_tag" "$_d" "$RUN_T0" "$_sr_t1")
			_g=$(fio_gap "$_sr_tag" "$_d" "$RUN_T0" "$_sr_t1")
			_a=$(awk -v b="$_b" -v c="$_c" -v w="$RUN_WINDOW" 'BEGIN {
				e = b / 3000 * w; printf "%.0f", (e > 0) ? 100 * c / e : 0 }')
			_r=$(awk -v h="$_h" '$1 == h { print $2 }' "/tmp/$_sr_tag.rec")
			_f=1
			[ -n "$_r" ] || _f=0
			echo "$_h,$_d,$_t,$_f,$((_b / 3)),$_c,$_a,$_g,$_r,$RUN_WINDOW" >> "/tmp/$_sr_tag.csv"
		done
	done
}

# scoped_summary CSV: "recovery_ms_max,avail_mean,avail_worst,gap_siblings,
# gap_others" of a scoped_run table.  Healthy LUNs only; siblings are those
# on a target with a failing LUN (gap -1 when there is none).
scoped_summary() {
	awk -F, 'NR == 1 { next }
		$4 == 1 { ft[$3] = 1; if ($9 + 0 > r) r = $9 + 0; if ($9 + 0 < 0) bad = 1 }
		{ row[NR] = $0 }
		END {
			gs = -1; go = -1
			for (i in row) {
				split(row[i], f, ",")
				if (f[4] == 1) continue
				n++; s += f[7]
				if (!nw || f[7] + 0 < w) { w = f[7] + 0; nw = 1 }
				if (f[3] in ft) { if (f[8] + 0 > gs) gs = f[8] + 0 }
				else if (f[8] + 0 > go) go = f[8] + 0
			}
			printf "%d,%.1f,%d,%d,%d\n", bad ? -1 : r, n ? s / n : 0, w, gs, go
		}' "$1"
}
