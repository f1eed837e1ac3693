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
# alternate between the scopes within this boot, so the ratios of their
# stalls do not depend on how fast this machine is today.  The healthy LUNs
# are reported in two groups: the failing LUN's siblings on target 0, and
# the LUNs of target 1.
SCOPES="host target lun lun+target"
echo "scope,run,hctl,dev,target,before_iops,window_completions,longest_gap_ms,total,window_ms" > /tmp/scope.csv
for run in 1 2 3; do
	for scope in $SCOPES; do
		STALL_PARAMS="eh_scope=$scope tmf_delay_ms=2000" STALL_STEPS=abort \
			stall_measure "s$run$(echo "$scope" | tr -d +)" 25
		tail -n +2 "/tmp/s$run$(echo "$scope" | tr -d +).csv" |
			sed "s/^/$scope,$run,/; s/\$/,$STALL_WINDOW/" >> /tmp/scope.csv
		diag "$scope scope, run $run: exit status $STALL_RC, recovery window $STALL_WINDOW ms"
		cleanup_all
	done
done
emit_file scope_bench.csv /tmp/scope.csv
awk -F, -v scopes="$SCOPES" 'NR > 1 {
		k = $1 SUBSEP $5; n[k]++; s[k] += $8; if ($8 > m[k]) m[k] = $8
		a = $1; na[a]++; sa[a] += $8 }
	END {
		c = split(scopes, sc, " ")
		for (i = 1; i <= c; i++) {
			x = sc[i]
			printf "%s scope: longest gap of healthy LUNs during recovery, same target mean %d ms (worst %d), other target mean %d ms (worst %d), all mean %d ms\n",
				x, s[x SUBSEP 0] / n[x SUBSEP 0], m[x SUBSEP 0],
				s[x SUBSEP 1] / n[x SUBSEP 1], m[x SUBSEP 1], sa[x] / na[x]
		}
		h = sa["host"] / na["host"]
		for (i = 2; i <= c; i++) {
			x = sc[i]
			v = sa[x] / na[x]
			printf "ratio host/%s (all healthy LUNs, mean gap): %.1f\n", x, h / (v > 0 ? v : 1)
		}
	}' /tmp/scope.csv > /tmp/scope.txt
while read -r line; do
	diag "$line"
done < /tmp/scope.txt
