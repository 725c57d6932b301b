# Shared helpers for the fixture recipes (sourced, never run).
# Every cached entry is   $BERTH_FIXTURE_CACHE/<name>-<hash>/   with a `.done`
# marker written last: an entry without it is a half-finished build and is redone.

set -euo pipefail

FIXTURE_CACHE="${BERTH_FIXTURE_CACHE:-/var/cache/berth/rootfs-cache}"
RECIPES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Same timestamps in every build so a recipe's layers differ only when the recipe does.
FIXTURE_EPOCH="2024-01-01T00:00:00Z"
FIXTURE_TAG="latest"
FIXTURE_PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

log() { echo "rootfs-cache: $*" >&2; }

# Short hash of the files a recipe depends on (the recipe itself, this file, its bases).
content_hash() {
  cat "$@" | sha256sum | cut -c1-12
}

# Runs `builder DIR` under a lock unless DIR already has its `.done` marker.
# The builder writes into DIR.partial, which is renamed into place afterwards.
cached_build() {
  local dir="$1" builder="$2"
  mkdir -p "$(dirname "$dir")"
  exec {lockfd}>"$dir.lock"
  flock "$lockfd"
  if [[ ! -e "$dir/.done" ]]; then
    log "building $(basename "$dir")"
    rm -rf "$dir" "$dir.partial"
    mkdir -p "$dir.partial"
    "$builder" "$dir.partial"
    mv "$dir.partial" "$dir"
    date -u +%Y-%m-%dT%H:%M:%SZ > "$dir/.done"
  fi
  flock -u "$lockfd"
  exec {lockfd}>&-
}

# Plain tar of DIR's contents, deterministic order and times, numeric ids.
# GNU tar keeps hardlinks as link entries and writes ./-relative names without
# the leading `./`.
tar_dir() {
  local dir="$1" out="$2"
  shift 2
  tar --create --file "$out" --directory "$dir" --format=gnu --sort=name \
    --numeric-owner --mtime="$FIXTURE_EPOCH" --transform='s,^\./,,' "$@" .
}

# Fresh layout holding one empty image tagged $FIXTURE_TAG.
new_layout() {
  local layout="$1"
  umoci init --layout "$layout"
  umoci new --image "$layout:$FIXTURE_TAG"
}

# Appends an uncompressed tar as a gzip layer (umoci computes digest and diff_id).
add_layer() {
  local layout="$1" tarball="$2" comment="$3"
  umoci raw add-layer --image "$layout:$FIXTURE_TAG" \
    --history.created "$FIXTURE_EPOCH" --history.created_by "berth rootfs-cache" \
    --history.comment "$comment" "$tarball"
}

# Blob path of a digest inside a layout.
blob_path() {
  local layout="$1" digest="$2"
  echo "$layout/blobs/${digest%%:*}/${digest#*:}"
}

# Digests of the layers of the image tagged $2 (default $FIXTURE_TAG) in a layout.
layer_digests() {
  local layout="$1" manifest
  manifest=$(jq -r --arg t "${2:-$FIXTURE_TAG}" \
    '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
    "$layout/index.json")
  jq -r '.layers[].digest' "$(blob_path "$layout" "$manifest")"
}

# Fails unless some layer of the layout lists an entry matching the regex.
expect_layer_entry() {
  local layout="$1" pattern="$2" digest
  for digest in $(layer_digests "$layout"); do
    # grep reads to the end (no -q), so tar never dies of SIGPIPE under pipefail.
    if tar -tzf "$(blob_path "$layout" "$digest")" | grep -E "$pattern" > /dev/null; then
      return 0
    fi
  done
  echo "rootfs-cache: no layer of $layout has an entry matching /$pattern/" >&2
  return 1
}
