#!/bin/bash
# Turn the commits on top of "pristine" in build/linux back into patches/:
# one git format-patch file per commit, listed in order in patches/series.
. "$(dirname "$0")/lib.sh"

[ -d "$SRC/.git" ] || die "no build tree: run 'make kernel' first"
if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
	die "build/linux has uncommitted changes: commit them first"
fi
if git -C "$SRC" rev-parse -q --verify REBASE_HEAD > /dev/null ||
	[ -d "$SRC/.git/rebase-apply" ]; then
	die "build/linux is in the middle of a rebase or git am"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$SRC" format-patch -q --zero-commit --no-signature -N --abbrev=9 \
	-o "$tmp" pristine..HEAD
rm -f "$TOP"/patches/*.patch
: > "$TOP/patches/series"
n=0
for p in "$tmp"/*.patch; do
	[ -e "$p" ] || continue
	cp "$p" "$TOP/patches/"
	basename "$p" >> "$TOP/patches/series"
	n=$((n + 1))
done
# What is in the tree now is what patches/ says: no re-apply needed.
mkdir -p "$STATE"
git -C "$SRC" rev-parse HEAD > "$STATE/applied-head"
( cd "$TOP/patches" && cat series $(grep -v -e '^#' -e '^$' series || true) ) |
	sha256sum | cut -d' ' -f1 > "$STATE/series-digest"
say "export: $n patch(es) written to patches/ (base: $(cat "$STATE/pkg-version" 2>/dev/null))"
