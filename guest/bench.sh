#!/bin/sh
# Benchmark: the host-wide stall, measured three times in one boot.
. /guest/lib/helpers.sh
. /guest/lib/stall.sh
TEST_NAME=bench

echo "run,hctl,dev,target,before_iops,window_completions,longest_gap_ms,total,window_ms" > /tmp/bench.csv
for run in 1 2 3; do
	stall_measure "b$run" 35
	tail -n +2 "/tmp/b$run.csv" | sed "s/^/$run,/; s/\$/,$STALL_WINDOW/" >> /tmp/bench.csv
	diag "run $run: recovery window $STALL_WINDOW ms"
	cleanup_all
done
emit_file host_stall_bench.csv /tmp/bench.csv
awk -F, 'NR > 1 && $4 == 1 { n++; s += $7; if ($7 > m) m = $7 }
	END { printf "other-target LUNs: mean stall %d ms, worst %d ms over %d samples\n", s / n, m, n }' \
	/tmp/bench.csv > /tmp/bench.txt
diag "$(cat /tmp/bench.txt)"

# Scoped against host-wide recovery of the same fault: the READ on 0:0 times
# out, its abort fails, the LUN reset succeeds; every TMF takes 2 s.  Runs
# alternate between the two scopes within this boot, so the ratio of their
# stalls does not depend on how fast this machine is today.
echo "scope,run,hctl,dev,target,before_iops,window_completions,longest_gap_ms,total,window_ms" > /tmp/scope.csv
for run in 1 2 3; do
	for scope in host lun; do
		STALL_PARAMS="eh_scope=$scope tmf_delay_ms=2000" STALL_STEPS=abort \
			stall_measure "s$scope$run" 25
		tail -n +2 "/tmp/s$scope$run.csv" |
			sed "s/^/$scope,$run,/; s/\$/,$STALL_WINDOW/" >> /tmp/scope.csv
		diag "$scope scope, run $run: exit status $STALL_RC, recovery window $STALL_WINDOW ms"
		cleanup_all
	done
done
emit_file scope_bench.csv /tmp/scope.csv
awk -F, 'NR > 1 { n[$1]++; s[$1] += $8; if ($8 > m[$1]) m[$1] = $8 }
	END { printf "healthy LUNs, longest gap during recovery: host scope mean %d ms (worst %d), lun scope mean %d ms (worst %d), ratio host/lun %.1f\n",
		s["host"] / n["host"], m["host"], s["lun"] / n["lun"], m["lun"],
		(s["host"] / n["host"]) / (s["lun"] / n["lun"] > 0 ? s["lun"] / n["lun"] : 1) }' \
	/tmp/scope.csv > /tmp/scope.txt
diag "$(cat /tmp/scope.txt)"
