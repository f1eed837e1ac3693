#!/bin/bash
# Build the unpatched kernel the fast-path benchmark compares against: the
# pristine source of build/linux (a git worktree at tag "pristine", so no
# second unpack), with the test kernel's own .config, and its initramfs.
# Objects go to build/obj-base, so both kernels rebuild incrementally.
# Needs the test kernel built first (make kernel): its .config is the one
# both kernels use.
. "$(dirname "$0")/lib.sh"

PATCHED_OBJ=$OBJ
BASE_SRC=$BUILD/linux-base
export SRC=$BASE_SRC OBJ=$BUILD/obj-base MODROOT=$BUILD/modroot-base \
	STATE=$BUILD/state-base INITRD=$BUILD/initramfs-base.cpio

[ -f "$PATCHED_OBJ/.config" ] || die "build the test kernel first (make kernel): its .config is missing"
[ -d "$BUILD/linux/.git" ] || die "build/linux is not a git tree (make kernel)"
mkdir -p "$STATE" "$OBJ"

if [ ! -e "$BASE_SRC/.git" ]; then
	say "base kernel: checking out the pristine source into $BASE_SRC"
	git -C "$BUILD/linux" worktree prune
	git -C "$BUILD/linux" worktree add -q --detach "$BASE_SRC" pristine ||
		die "git worktree add failed"
fi
[ "$(git -C "$BASE_SRC" rev-parse HEAD)" = "$(git -C "$BUILD/linux" rev-parse pristine)" ] ||
	die "$BASE_SRC is not at the pristine commit: remove it and run again"

# The same configuration as the test kernel; options the series adds are
# unknown here and dropped by olddefconfig.
if ! cmp -s "$PATCHED_OBJ/.config" "$STATE/config-from"; then
	cp "$PATCHED_OBJ/.config" "$OBJ/.config"
	cp "$PATCHED_OBJ/.config" "$STATE/config-from"
fi
make -s -C "$SRC" O="$OBJ" olddefconfig > /dev/null

kernel_build "base kernel" -base
"$(dirname "$0")/initramfs.sh"
