#!/bin/bash
# checkpatch.pl --strict over every patch in patches/series.  With --bisect,
# also build the kernel at every step of the series.
. "$(dirname "$0")/lib.sh"

[ -x "$SRC/scripts/checkpatch.pl" ] || "$TOP/scripts/kernel.sh" prepare
n=0
bad=0
while read -r p; do
	case "$p" in '' | '#'*) continue ;; esac
	n=$((n + 1))
	out=$(cd "$SRC" && perl scripts/checkpatch.pl --strict --no-tree --terse \
		--ignore FILE_PATH_CHANGES "$TOP/patches/$p" 2>&1) || true
	if echo "$out" | grep -qE ': (ERROR|WARNING|CHECK):'; then
		echo "$out"
		bad=$((bad + 1))
		say "check: $p: not clean"
	else
		say "check: $p: clean"
	fi
done < "$TOP/patches/series"

if [ "${1:-}" = --bisect ] && [ $n -gt 0 ]; then
	head=$(git -C "$SRC" symbolic-ref -q --short HEAD || git -C "$SRC" rev-parse HEAD)
	for c in $(git -C "$SRC" rev-list --reverse pristine..HEAD); do
		git -C "$SRC" checkout -q "$c"
		say "check: building $(git -C "$SRC" log -1 --format=%s "$c")"
		if ! make -C "$SRC" O="$OBJ" -j"$JOBS" bzImage modules > "$BUILD/bisect.log" 2>&1; then
			tail -n 30 "$BUILD/bisect.log"
			bad=$((bad + 1))
			say "check: build fails at $c"
		elif grep -q 'warning:' "$BUILD/bisect.log"; then
			# Only what this step recompiled is in the log.
			grep -A3 'warning:' "$BUILD/bisect.log" | head -n 30
			bad=$((bad + 1))
			say "check: compiler warnings at $c"
		fi
	done
	git -C "$SRC" checkout -q "$head"
	# Early steps lack options the later ones add (Kconfig drops them from
	# .config): have the next 'make kernel' configure afresh.
	rm -f "$STATE/config-digest"
fi
say "check: $n patch(es), $bad with findings"
[ $bad -eq 0 ]
