# multiarch: tag `latest` is an OCI image index with a linux/amd64 and a
# linux/arm64 manifest. Both are the busybox layer plus a layer holding
# /etc/berth-arch (`amd64` or `arm64`), so a test can see which one was picked.
# The arm64 image reuses the amd64 busybox binary: it is for platform
# selection, not for running.
build_multiarch() {
  local layout="$1/layout" work="$1/work" arch
  cp -a "$BASE_LAYOUT" "$layout"
  for arch in amd64 arm64; do
    mkdir -p "$work/$arch/etc"
    echo "$arch" > "$work/$arch/etc/berth-arch"
    chmod 0755 "$work/$arch/etc"
    chmod 0644 "$work/$arch/etc/berth-arch"
    tar_dir "$work/$arch" "$work/$arch.tar"
    umoci raw add-layer --image "$layout:$FIXTURE_TAG" --tag "$arch" \
      --history.created "$FIXTURE_EPOCH" --history.created_by "berth rootfs-cache" \
      --history.comment "architecture marker" "$work/$arch.tar"
    umoci config --image "$layout:$arch" --no-history --architecture "$arch" --os linux
  done
  umoci rm --image "$layout:$FIXTURE_TAG"
  umoci gc --layout "$layout"

  # Replace the two tags with one index that lists both manifests.
  local index_json digest size
  index_json="$(jq -c '{
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [.manifests[]
        | .annotations["org.opencontainers.image.ref.name"] as $arch
        | {mediaType, digest, size, platform: {architecture: $arch, os: "linux"}}
        | if $arch == "arm64" then .platform.variant = "v8" else . end]
      | sort_by(.platform.architecture)
    }' "$layout/index.json")"
  printf '%s' "$index_json" > "$work/index-blob.json"
  digest="sha256:$(sha256sum < "$work/index-blob.json" | cut -d' ' -f1)"
  size="$(stat -c %s "$work/index-blob.json")"
  cp "$work/index-blob.json" "$(blob_path "$layout" "$digest")"
  jq -n --arg d "$digest" --argjson s "$size" --arg t "$FIXTURE_TAG" '{
      schemaVersion: 2,
      manifests: [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
                   annotations: {"org.opencontainers.image.ref.name": $t}}]
    }' > "$work/index.json"
  mv "$work/index.json" "$layout/index.json"
  rm -rf "$work"
}
