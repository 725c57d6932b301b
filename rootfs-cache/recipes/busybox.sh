# busybox: one layer, Debian's busybox-static with its applets linked in /bin.
build_busybox() {
  local layout="$1/layout" work="$1/work"
  make_busybox_tree "$work/rootfs"
  tar_dir "$work/rootfs" "$work/layer.tar"
  new_layout "$layout"
  add_layer "$layout" "$work/layer.tar" "busybox-static root filesystem"
  umoci config --image "$layout:$FIXTURE_TAG" --no-history \
    --os linux --architecture amd64 --created "$FIXTURE_EPOCH" \
    --config.env "$FIXTURE_PATH_ENV" --config.cmd sh
  umoci gc --layout "$layout"
  rm -rf "$work"
}
