#!/bin/bash
# Build the test kernel:
#   1. unpack Debian's linux-source-6.12 into build/linux and make it a git
#      tree whose first commit (tag "pristine") is the package's source;
#   2. apply patches/series with git am (again only when patches/ changed);
#   3. merge config fragments onto tinyconfig (again only when they changed);
#   4. build bzImage and modules incrementally, install modules.
#
# Usage: kernel.sh [prepare|build]   (default: build, which implies prepare)
. "$(dirname "$0")/lib.sh"

GIT=(git -C "$SRC" -c user.name="scsi-eh harness" -c user.email=harness@localhost)
mkdir -p "$BUILD" "$STATE"

series_digest() {
	( cd "$TOP/patches" && cat series $(grep -v -e '^#' -e '^$' series || true) ) |
		sha256sum | cut -d' ' -f1
}

config_digest() {
	cat "$TOP"/config/*.config | sha256sum | cut -d' ' -f1
}

pkg_version() {
	dpkg-query -W -f='${Version}' "$KSRC_PKG" 2>/dev/null ||
		die "$KSRC_PKG is not installed (run scripts/deps.sh --install)"
}

unpack() {
	local ver
	ver=$(pkg_version)
	[ -f "$KSRC_TAR" ] || die "$KSRC_TAR missing: reinstall $KSRC_PKG"
	say "kernel: unpacking $KSRC_PKG $ver"
	rm -rf "$SRC" "$OBJ" "$MODROOT" "$STATE"
	mkdir -p "$SRC" "$STATE"
	tar -xf "$KSRC_TAR" -C "$SRC" --strip-components=1
	"${GIT[@]}" init -q
	"${GIT[@]}" config gc.auto 0
	# Debian's .gitignore ignores every top-level entry, so -f: the base
	# commit holds the package's files exactly as shipped.
	"${GIT[@]}" add -f -A .
	"${GIT[@]}" commit -q -m "Linux $(make -s -C "$SRC" kernelversion) from $KSRC_PKG $ver"
	"${GIT[@]}" tag pristine
	echo "$ver" > "$STATE/pkg-version"
	say "kernel: base commit tagged 'pristine'"
}

apply_series() {
	local want have head
	want=$(series_digest)
	have=$(cat "$STATE/series-digest" 2>/dev/null || true)
	head=$("${GIT[@]}" rev-parse HEAD)
	if [ "$want" = "$have" ]; then
		if [ "$head" != "$(cat "$STATE/applied-head")" ]; then
			say "kernel: note: build/linux has commits not in patches/ (run 'make export')"
		fi
		return 0
	fi
	if [ -n "$have" ] && [ "$head" != "$(cat "$STATE/applied-head")" ]; then
		die "patches/ changed, but build/linux has commits that were never exported; export them ('make export') or drop them ('make reset-tree')"
	fi
	if [ -n "$("${GIT[@]}" status --porcelain --untracked-files=no)" ]; then
		die "patches/ changed, but build/linux has uncommitted changes; commit and export them, or 'make reset-tree'"
	fi
	"${GIT[@]}" am --abort > /dev/null 2>&1 || true
	"${GIT[@]}" reset -q --hard pristine
	local n=0 p
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		[ -f "$TOP/patches/$p" ] || die "patches/series lists $p, which does not exist"
		"${GIT[@]}" am -q --keep-cr "$TOP/patches/$p" ||
			die "git am failed on patches/$p (build/linux is left mid-am)"
		n=$((n + 1))
	done < "$TOP/patches/series"
	"${GIT[@]}" rev-parse HEAD > "$STATE/applied-head"
	echo "$want" > "$STATE/series-digest"
	say "kernel: applied $n patch(es) from patches/series"
}

configure() {
	local want
	want=$(config_digest)
	if [ -f "$OBJ/.config" ] && [ "$want" = "$(cat "$STATE/config-digest" 2>/dev/null)" ]; then
		make -s -C "$SRC" O="$OBJ" olddefconfig > /dev/null
		return 0
	fi
	say "kernel: configuring (tinyconfig + config/*.config)"
	mkdir -p "$OBJ"
	make -s -C "$SRC" O="$OBJ" tinyconfig > /dev/null
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" \
		"$TOP"/config/*.config > "$BUILD/merge-config.log" 2>&1 ||
		die "merge_config.sh failed (see $BUILD/merge-config.log)"
	make -s -C "$SRC" O="$OBJ" olddefconfig > /dev/null
	# Every option a fragment asks for must survive: a dependency that is
	# missing silently drops it otherwise.
	local bad=0 line sym val
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*}; val=${line#*=} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; val=n ;;
		*) continue ;;
		esac
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$OBJ/.config" && { echo "  $sym: wanted off, is on" >&2; bad=1; }
		else
			grep -qx "$sym=$val" "$OBJ/.config" ||
				{ echo "  $sym: wanted $val, got '$(grep "^$sym=" "$OBJ/.config" || echo unset)'" >&2; bad=1; }
		fi
	done < <(cat "$TOP"/config/*.config)
	[ $bad -eq 0 ] || die "kernel configuration does not hold what config/*.config asks for"
	echo "$want" > "$STATE/config-digest"
}

build() {
	kernel_build kernel ""
}

prepare() {
	if [ ! -d "$SRC/.git" ] || ! "${GIT[@]}" rev-parse -q --verify pristine > /dev/null; then
		unpack
	elif [ "$(cat "$STATE/pkg-version" 2>/dev/null)" != "$(pkg_version)" ]; then
		die "build/linux was unpacked from $KSRC_PKG $(cat "$STATE/pkg-version" 2>/dev/null), but $(pkg_version) is installed: 'make distclean' to start over"
	fi
	apply_series
	[ "$(cat "$STATE/pkg-version")" = "$KSRC_TESTED" ] ||
		say "kernel: warning: the series was tested against $KSRC_PKG $KSRC_TESTED, this is $(cat "$STATE/pkg-version")"
	say "kernel: source $KSRC_PKG $(cat "$STATE/pkg-version"), $("${GIT[@]}" rev-list --count pristine..HEAD) commit(s) on top of pristine"
}

case "${1:-build}" in
prepare) prepare ;;
build) prepare; configure; build ;;
reset-tree)
	[ -d "$SRC/.git" ] || die "no build tree"
	"${GIT[@]}" am --abort > /dev/null 2>&1 || true
	"${GIT[@]}" reset -q --hard pristine
	rm -f "$STATE/series-digest" "$STATE/applied-head"
	apply_series ;;
*) die "usage: kernel.sh [prepare|build|reset-tree]" ;;
esac
