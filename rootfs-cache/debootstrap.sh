#!/usr/bin/env bash
# Cached `debootstrap --variant=minbase bookworm` tree (it takes minutes to make).
# Usage: rootfs-cache/debootstrap.sh   -> prints the path of the tree
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEBIAN_MIRROR="${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

build_debootstrap_tree() {
  local out="$1"
  debootstrap --variant=minbase bookworm "$out/rootfs" "$DEBIAN_MIRROR" >"$out/debootstrap.log" 2>&1 || {
    tail -n 30 "$out/debootstrap.log" >&2
    return 1
  }
}

main() {
  local dir="$FIXTURE_CACHE/debootstrap-bookworm-minbase-$(content_hash "$RECIPES_DIR/debootstrap.sh")"
  cached_build "$dir" build_debootstrap_tree
  echo "$dir/rootfs"
}

main "$@"
