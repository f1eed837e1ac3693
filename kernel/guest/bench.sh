#!/bin/sh
# The benchmark's scoped-recovery figures, all in one boot so that the
# scopes are compared on the same emulated machine at the same time.
#
# Part "cases": 4 targets x 4 LUNs, fio at 40 reads/s on each LUN, every
# abort and reset taking BENCH_TMF_MS (2000); LUN 0:0's next READ times out
# and its abort fails, then
#   abort       the LUN reset succeeds,
#   lun         every LUN reset of 0:0 fails too,
#   lun-target  every LUN reset and the target reset fail (so host recovery
#               goes on to the bus reset and its 10 s settle time),
# under host, target, LUN and LUN-then-target scope.  Rows of cases.csv:
# recovery time of 0:0, availability of the 15 healthy LUNs (mean, worst),
# longest gap on a sibling of 0:0 and on another target, resets seen.
#
# Part "multi": 8 targets x 2 LUNs; LUN 0 of 1, 4 or 8 targets fails at the
# same moment (fault "timeout": its READ times out, the abort fails, the LUN
# reset succeeds) under host, target and LUN scope, with scsi_debug's
# scoped_eh_tmfs (the host's bound on scoped TMFs at once) at 1 and at 4.
# Timed-out commands are aborted one at a time per host (the host's TMF
# work queue), so the same is also run with fault "error": the READs of 4
# or 8 LUNs fail at once with DID_TIME_OUT, and recovery starts with the LUN
# reset, under host and LUN scope.  Rows of multi.csv: time until every
# failing LUN recovered, first recovery, availability of the healthy LUNs,
# longest gap.
#
# Parts, repetitions and subsets come from the kernel command line:
# scsitest.parts=cases,multi, scsitest.runs=N (repetitions of each case,
# default 2), scsitest.mruns=N (of each multi-failure run, default 1),
# scsitest.modes=host,lun (default all scopes), scsitest.counts=1,8 (failing
# LUNs of the multi part, default 1,4,8).
. /guest/lib/helpers.sh
. /guest/lib/scoped_run.sh
TEST_NAME=bench

PARTS=$(cmdline_arg scsitest.parts cases,multi)
RUNS=$(cmdline_arg scsitest.runs 2)
MRUNS=$(cmdline_arg scsitest.mruns 1)
MODES=$(cmdline_arg scsitest.modes host,target,lun,lun+target | tr , ' ')
COUNTS=$(cmdline_arg scsitest.counts 1,4,8 | tr , ' ')
has_mode() {
	case " $MODES " in *" $1 "*) return 0 ;; esac
	return 1
}
TMF_MS=${BENCH_TMF_MS:-2000}
need_part() {
	case ",$PARTS," in *",$1,"*) return 0 ;; esac
	return 1
}

sdebug_load 1 1
[ -f /sys/module/scsi_debug/parameters/scoped_eh_tmfs ] ||
	die "scsi_debug has no scoped_eh_tmfs: the benchmark needs the patched kernel"
sdebug_unload

if need_part cases; then
	echo "case,mode,run,recovery_ms,avail_mean_pct,avail_worst_pct,gap_siblings_ms,gap_others_ms,aborts,lun_resets,target_resets,bus_resets,host_resets" \
		> /tmp/cases.csv
	echo "case,mode,run,hctl,dev,target,failing,iops_before,window_completions,availability_pct,longest_gap_ms,recovery_ms,window_ms" \
		> /tmp/cases-luns.csv
	for run in $(seq 1 "$RUNS"); do
		for c in abort lun lun-target; do
			case $c in
			abort) steps=abort ;;
			lun) steps="abort lun_always" ;;
			lun-target) steps="abort lun_always target" ;;
			esac
			for m in host target lun lun+target; do
				has_mode "$m" || continue
				diag "cases: run $run, LUN 0:0 fails ($steps fail), $m scope"
				scoped_run bc 4 4 0:0 "$steps" \
					eh_scope="$m" tmf_delay_ms="$TMF_MS"
				s=$(scoped_summary /tmp/bc.csv)
				echo "$c,$m,$run,$s,$RUN_RESETS" >> /tmp/cases.csv
				tail -n +2 /tmp/bc.csv | sed "s/^/$c,$m,$run,/" >> /tmp/cases-luns.csv
				diag "  recovery_ms,avail_mean,avail_worst,gap_sib,gap_other = $s; aborts,lun,target,bus,host resets = $RUN_RESETS"
				cleanup_all
			done
		done
	done
	emit_file cases.csv /tmp/cases.csv
	emit_file cases-luns.csv /tmp/cases-luns.csv
fi

if need_part multi; then
	echo "fault,failing,mode,tmf_bound,run,all_recovered_ms,first_recovered_ms,avail_mean_pct,avail_worst_pct,gap_siblings_ms,gap_others_ms,aborts,lun_resets,target_resets,bus_resets,host_resets" \
		> /tmp/multi.csv
	for run in $(seq 1 "$MRUNS"); do
		for kind in timeout error; do
			for n in $COUNTS; do
				# The READs failing at once start recovery with no abort:
				# only 4 and 8 failures, host and LUN scope.
				[ "$kind" = error ] && [ "$n" -lt 4 ] && continue
				fail=""
				for t in $(seq 0 $((n - 1))); do
					fail="$fail $t:0"
				done
				# With an at-once error there is no abort to fail.
				steps=abort
				[ "$kind" = error ] && steps=
				for m in host target lun; do
					has_mode "$m" || continue
					[ "$kind" = error ] && [ "$m" = target ] && continue
					# Host recovery takes no scoped TMF slot: one bound is enough.
					bounds="1 4"
					[ "$m" = host ] && bounds=1
					for b in $bounds; do
						diag "multi: run $run, $n LUN(s) fail ($kind), $m scope, TMF bound $b"
						RUN_FAULT=$kind scoped_run bm 8 2 "$fail" "$steps" eh_scope="$m" \
							tmf_delay_ms="$TMF_MS" scoped_eh_tmfs="$b"
						s=$(scoped_summary /tmp/bm.csv)
						first=$(awk -F, 'NR > 1 && $4 == 1 && (!n || $9 + 0 < f) { f = $9 + 0; n = 1 }
							END { print f + 0 }' /tmp/bm.csv)
						echo "$kind,$n,$m,$b,$run,${s%%,*},$first,${s#*,},$RUN_RESETS" >> /tmp/multi.csv
						diag "  all_recovered_ms,avail_mean,avail_worst,gap_sib,gap_other = $s; first recovery $first ms; aborts,lun,target,bus,host resets = $RUN_RESETS"
						cleanup_all
					done
				done
			done
		done
	done
	emit_file multi.csv /tmp/multi.csv
fi
