#!/usr/bin/env bash
# Usage: rootfs-cache/build.sh [name...]     (default: every fixture)
# Builds the fixture images as OCI layouts in
#   ${BERTH_FIXTURE_CACHE:-/var/cache/berth/rootfs-cache}/<name>-<hash>/layout
# and prints one layout path per name, in the order asked. Idempotent: a built
# entry (with its `.done` marker) is reused until its recipe changes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$RECIPES_DIR/busybox-tree.sh"

ALL_FIXTURES=(busybox debian webserver whalesay multiarch pause)

# Files whose content decides each fixture's cache key.
recipe_inputs() {
  local busybox=("$RECIPES_DIR/lib.sh" "$RECIPES_DIR/busybox-tree.sh" "$RECIPES_DIR/recipes/busybox.sh")
  case "$1" in
    busybox) echo "${busybox[@]}" ;;
    debian) echo "$RECIPES_DIR/lib.sh" "$RECIPES_DIR/debootstrap.sh" "$RECIPES_DIR/recipes/debian.sh" ;;
    webserver | whalesay | multiarch) echo "${busybox[@]}" "$RECIPES_DIR/recipes/$1.sh" ;;
    pause) echo "$RECIPES_DIR/lib.sh" "$RECIPES_DIR/recipes/pause.sh" "$RECIPES_DIR/recipes/pause.c" ;;
    *) return 1 ;;
  esac
}

fixture_dir() {
  local inputs
  inputs="$(recipe_inputs "$1")" || { echo "rootfs-cache: unknown fixture \`$1\` (known: ${ALL_FIXTURES[*]})" >&2; exit 2; }
  # shellcheck disable=SC2086 # the paths have no spaces
  echo "$FIXTURE_CACHE/$1-$(content_hash $inputs)"
}

build_fixture() {
  local name="$1" dir
  dir="$(fixture_dir "$name")"
  case "$name" in
    webserver | whalesay | multiarch) BASE_LAYOUT="$(build_fixture busybox)" ;;
  esac
  source "$RECIPES_DIR/recipes/$name.sh"
  cached_build "$dir" "build_$name"
  echo "$dir/layout"
}

main() {
  local names=("$@") name
  [[ ${#names[@]} -gt 0 ]] || names=("${ALL_FIXTURES[@]}")
  for name in "${names[@]}"; do fixture_dir "$name" > /dev/null; done
  for name in "${names[@]}"; do build_fixture "$name"; done
}

main "$@"
