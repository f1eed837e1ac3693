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
