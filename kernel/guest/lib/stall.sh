# The host-wide stall, measured once (sourced after helpers.sh).
#
# stall_measure TAG SECONDS: scsi_debug with 2 targets x 4 LUNs; fio random
# reads on the 7 healthy LUNs for SECONDS; after 5 s a READ on LUN 0:0 times
# out, its abort, LUN reset and target reset fail, so host recovery goes on to
# the bus reset.  Writes /tmp/TAG.csv, one row per healthy LUN:
#   hctl,dev,target,before_iops,window_completions,longest_gap_ms,total
# and sets STALL_RC (exit status of the faulted read), STALL_WINDOW (ms from
# fault to the read's completion), STALL_BUS (bus resets seen).
# STALL_PARAMS adds scsi_debug module parameters; STALL_STEPS replaces the
# failing steps (fault_steps names, default "abort lun target").

stall_measure() {
	_tag=$1
	# shellcheck disable=SC2086
	sdebug_load 2 4 ${STALL_PARAMS:-}
	_h=$(hctl 0 0)
	set_timeout "$_h" 2
	_healthy=""
	for _t in 0 1; do
		for _l in 0 1 2 3; do
			[ "$_t$_l" = 00 ] && continue
			_healthy="$_healthy $(sd_of "$(hctl $_t $_l)")"
		done
	done
	fio_start "$_tag" "$2" $_healthy
	sleep 5
	# shellcheck disable=SC2086
	fault_steps "$_h" ${STALL_STEPS:-abort lun target}
	_t0=$(now_ms)
	STALL_RC=$(read_block "$(sd_of "$_h")")
	_t1=$(now_ms)
	fio_wait
	STALL_WINDOW=$((_t1 - _t0))
	STALL_BUS=$(resets bus)
	echo "hctl,dev,target,before_iops,window_completions,longest_gap_ms,total" > "/tmp/$_tag.csv"
	for _t in 0 1; do
		for _l in 0 1 2 3; do
			[ "$_t$_l" = 00 ] && continue
			_hh=$(hctl $_t $_l)
			_d=$(sd_of "$_hh")
			# Rate over the 3 s before the fault.
			_b=$(fio_count "$_tag" "$_d" $((_t0 - 3000)) "$_t0")
			echo "$_hh,$_d,$_t,$((_b / 3)),$(fio_count "$_tag" "$_d" "$_t0" "$_t1"),$(fio_gap "$_tag" "$_d" "$_t0" "$_t1"),$(fio_count "$_tag" "$_d")" >> "/tmp/$_tag.csv"
		done
	done
}
