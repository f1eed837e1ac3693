# Shared settings of the host-side scripts (bash).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
SRC=${SRC:-$BUILD/linux}		# git tree: pristine source + the series
OBJ=${OBJ:-$BUILD/obj}			# kernel objects (O=)
MODROOT=${MODROOT:-$BUILD/modroot}	# modules_install target
STATE=${STATE:-$BUILD/state}		# what was applied and configured
INITRD=${INITRD:-$BUILD/initramfs.cpio}	# the guest's initramfs
RESULTS=${RESULTS:-$TOP/results}
KSRC_PKG=linux-source-6.12
KSRC_TAR=/usr/src/linux-source-6.12.tar.xz
# The package version the series was last built and tested against.
KSRC_TESTED=6.12.117-1~deb12u1
JOBS=${JOBS:-$(( $(nproc) + 1 ))}

say() { printf '%s %s\n' "[$(date +%H:%M:%S)]" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a long command with its output in LOG, printing a progress line every
# 30 s (the number of lines matching PATTERN so far) so that CI shows life.
run_with_progress() {
	local what=$1 log=$2 pattern=$3
	shift 3
	local start=$SECONDS
	"$@" > "$log" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		if (( (SECONDS - start) % 30 < 5 )) && kill -0 "$pid" 2>/dev/null; then
			say "$what: $(grep -c -E "$pattern" "$log" || true) steps, $((SECONDS - start)) s"
		fi
	done
	if ! wait "$pid"; then
		tail -n 40 "$log" >&2
		die "$what failed after $((SECONDS - start)) s (full log: $log)"
	fi
	say "$what: done in $((SECONDS - start)) s"
}

# kernel_build WHAT LOG_SUFFIX: build bzImage and modules of $SRC in $OBJ,
# install the modules under $MODROOT and record the release in
# $STATE/kernelrelease; logs in $BUILD/kernel-buildLOG_SUFFIX.log.
kernel_build() {
	local what=$1 log=$BUILD/kernel-build$2.log
	say "$what: building with $JOBS jobs (log: $log)"
	run_with_progress "$what build" "$log" '^  (CC|LD|AR|AS)' \
		make -C "$SRC" O="$OBJ" -j"$JOBS" bzImage modules
	rm -rf "$MODROOT"
	make -s -C "$SRC" O="$OBJ" INSTALL_MOD_PATH="$MODROOT" \
		INSTALL_MOD_STRIP=1 modules_install > "$BUILD/modules-install$2.log" 2>&1 ||
		die "modules_install failed (see $BUILD/modules-install$2.log)"
	make -s -C "$SRC" O="$OBJ" kernelrelease > "$STATE/kernelrelease"
	say "$what: $(cat "$STATE/kernelrelease") ready: $OBJ/arch/x86/boot/bzImage"
}
