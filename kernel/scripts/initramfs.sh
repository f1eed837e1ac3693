#!/bin/bash
# Build the guest's initramfs: busybox-static, fio, sg3-utils and lsscsi with
# the shared libraries they load, the kernel's modules, and guest/ (init,
# runner, helpers, tests).  Uncompressed: the guest unpacks it faster than it
# could gunzip it under TCG.
. "$(dirname "$0")/lib.sh"

OUT=$INITRD
ROOT=${INITRD%.cpio}
KREL=$(cat "$STATE/kernelrelease" 2>/dev/null) || die "build the kernel first (make kernel)"
[ -d "$MODROOT/lib/modules/$KREL" ] || die "modules for $KREL not installed: run make kernel"

BINS=(/usr/bin/fio /usr/bin/sg_turs /usr/bin/sg_reset /usr/bin/sg_inq
	/usr/bin/sg_readcap /usr/bin/lsscsi /usr/sbin/iscsid /usr/sbin/iscsiadm)

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,etc,root}

cp /bin/busybox "$ROOT/bin/busybox"
for a in $("$ROOT/bin/busybox" --list); do
	[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
done

copy_with_libs() {
	local f=$1 lib
	mkdir -p "$ROOT$(dirname "$f")"
	cp -L "$f" "$ROOT$f"
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$ROOT$lib" ] && continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}
for b in "${BINS[@]}"; do
	[ -x "$b" ] || die "$b missing (run scripts/deps.sh --install)"
	copy_with_libs "$b"
done
# The sg3-utils tools and lsscsi are found on PATH ahead of busybox's applets.
for b in "${BINS[@]}"; do ln -sf "$b" "$ROOT/bin/$(basename "$b")"; done

mkdir -p "$ROOT/lib/modules"
cp -a "$MODROOT/lib/modules/$KREL" "$ROOT/lib/modules/"
rm -f "$ROOT/lib/modules/$KREL/build" "$ROOT/lib/modules/$KREL/source"

echo "root:x:0:0:root:/root:/bin/sh" > "$ROOT/etc/passwd"
echo "root:x:0:" > "$ROOT/etc/group"

cp -r "$TOP/guest" "$ROOT/guest"
cp "$TOP/guest/init" "$ROOT/init"
chmod +x "$ROOT/init" "$ROOT/guest/runner"
find "$ROOT/guest" -name '*.sh' -exec chmod +x {} +

(cd "$ROOT" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
say "initramfs: $OUT, $(du -h "$OUT" | cut -f1)"
