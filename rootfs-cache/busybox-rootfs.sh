#!/usr/bin/env bash
# Usage: rootfs-cache/busybox-rootfs.sh OUT.tar
# Writes the busybox root filesystem as a plain tarball (gzip when OUT ends in
# .gz or .tgz), e.g. for `berth import OUT.tar busybox:imported`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$RECIPES_DIR/busybox-tree.sh"

[[ $# -eq 1 ]] || { echo "usage: $0 OUT.tar" >&2; exit 2; }
out="$(realpath -m "$1")"
work="$(mktemp -d /tmp/berth-busybox-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
make_busybox_tree "$work/rootfs"
tar_dir "$work/rootfs" "$work/rootfs.tar"
case "$out" in
  *.gz | *.tgz) gzip -n -c "$work/rootfs.tar" > "$out.partial" ;;
  *) cp "$work/rootfs.tar" "$out.partial" ;;
esac
mv "$out.partial" "$out"
echo "$out"
