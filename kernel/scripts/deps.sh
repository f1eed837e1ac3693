#!/bin/bash
# Make sure every Debian package the harness uses is installed.  With
# --install, missing ones are installed with apt-get (needs root); without
# it, the missing ones are named and the script fails.
. "$(dirname "$0")/lib.sh"

PKGS=(
	# kernel build
	build-essential libc6-dev flex bison bc libelf-dev libssl-dev cpio xz-utils
	kmod perl
	python3 git
	# the kernel source
	"$KSRC_PKG"
	# the guest
	qemu-system-x86 busybox-static fio sg3-utils lsscsi
	# the iSCSI initiator's user space (iscsid, iscsiadm) for the guest
	open-iscsi
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	say "deps: all ${#PKGS[@]} packages present ($KSRC_PKG $(dpkg-query -W -f='${Version}' "$KSRC_PKG"))"
	exit 0
fi

if [ "${1:-}" != --install ]; then
	die "missing Debian packages: ${missing[*]} (run: apt-get install ${missing[*]})"
fi
[ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]}; installing them needs root"
command -v apt-get > /dev/null || die "apt-get not found: this harness needs Debian 12"

say "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
apt-get update -q > "$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }
rm -f "$log"
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	die "apt-get install failed for: ${missing[*]}"
fi
for p in "${missing[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		die "package $p is still missing after apt-get install"
done
say "deps: installed ${#missing[@]} packages"
