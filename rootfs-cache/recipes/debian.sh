# debian: three layers over `debootstrap --variant=minbase bookworm`.
#   1. the debootstrap tree (without /dev nodes, apt lists and host files)
#   2. hand-made with GNU tar: whiteouts for a file and a directory of layer 1,
#      added files, a hardlink to a file that only layer 1 holds, and a
#      hardlink pair inside the layer
#   3. hand-made: /opt/berth made opaque (`.wh..wh..opq`) with new contents
# Docker and podman refuse a hardlink whose target is in an earlier layer
# (they unpack each layer into its own directory), so the layout also has the
# tag `portable`: the same image, but layer 2 also carries usr/bin/bash (as a
# copy-up would), making the hardlink layer-local. bench/pull.sh uses it.
# README.md lists every entry of layers 2 and 3.
build_debian() {
  local layout="$1/layout" work="$1/work" tree
  tree="$("$RECIPES_DIR/debootstrap.sh")"
  [[ -x "$tree/usr/bin/bash" && -e "$tree/etc/issue.net" && -d "$tree/usr/share/doc/bash" ]] || {
    echo "rootfs-cache: $tree lacks the paths that layer 2 removes or links" >&2
    return 1
  }
  mkdir -p "$work"
  new_layout "$layout"

  # Layer 1: real modification times kept; device nodes, apt indexes and the
  # files a runtime provides (resolv.conf, hostname) left out.
  tar --create --file "$work/layer1.tar" --directory "$tree" --format=gnu --sort=name \
    --numeric-owner --transform='s,^\./,,' \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    --exclude='./var/lib/apt/lists/*' --exclude='./var/cache/apt/*.bin' \
    --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/log/bootstrap.log' \
    --exclude='./etc/resolv.conf' --exclude='./etc/hostname' .
  add_layer "$layout" "$work/layer1.tar" "debootstrap --variant=minbase bookworm"
  umoci tag --image "$layout:$FIXTURE_TAG" base

  # Layer 2. usr/bin/bash is staged only so GNU tar writes the later name as a
  # hardlink entry to it; deleting the member leaves a link whose target lives
  # in layer 1 alone.
  local l2="$work/layer2"
  mkdir -p "$l2"/{etc,usr/share/doc,usr/bin,usr/local/bin,usr/local/share/berth,opt/berth}
  : > "$l2/etc/.wh.issue.net"
  : > "$l2/usr/share/doc/.wh.bash"
  echo "added by layer 2" > "$l2/opt/berth/added.txt"
  echo "hidden by the opaque directory of layer 3" > "$l2/opt/berth/old.txt"
  echo "two names, one inode" > "$l2/usr/local/share/berth/original.txt"
  ln "$l2/usr/local/share/berth/original.txt" "$l2/usr/local/share/berth/same-layer-link.txt"
  ln -s ../share/berth/original.txt "$l2/usr/local/bin/berth-symlink"
  cp -p "$tree/usr/bin/bash" "$l2/usr/bin/bash"
  ln "$l2/usr/bin/bash" "$l2/usr/local/bin/bash-hardlink"
  chmod 0755 "$l2"/{etc,usr,usr/share,usr/share/doc,usr/bin,usr/local,usr/local/bin,usr/local/share,usr/local/share/berth,opt,opt/berth}
  chmod 0644 "$l2"/etc/.wh.issue.net "$l2"/usr/share/doc/.wh.bash "$l2"/opt/berth/*.txt "$l2"/usr/local/share/berth/*.txt
  tar_dir "$l2" "$work/layer2.tar"
  umoci raw add-layer --image "$layout:base" --tag portable \
    --history.created "$FIXTURE_EPOCH" --history.created_by "berth rootfs-cache" \
    --history.comment "whiteouts, added files, hardlink within the layer" "$work/layer2.tar"
  tar --delete --file "$work/layer2.tar" usr/bin/bash
  add_layer "$layout" "$work/layer2.tar" "whiteouts, added files, cross-layer hardlink"

  # Layer 3: /opt/berth replaced as a whole.
  local l3="$work/layer3"
  mkdir -p "$l3/opt/berth/sub"
  : > "$l3/opt/berth/.wh..wh..opq"
  echo "added by layer 3" > "$l3/opt/berth/new.txt"
  echo "nested in layer 3" > "$l3/opt/berth/sub/nested.txt"
  chmod 0755 "$l3/opt" "$l3/opt/berth" "$l3/opt/berth/sub"
  chmod 0644 "$l3/opt/berth/.wh..wh..opq" "$l3/opt/berth/new.txt" "$l3/opt/berth/sub/nested.txt"
  tar_dir "$l3" "$work/layer3.tar"
  local tag
  for tag in "$FIXTURE_TAG" portable; do
    umoci raw add-layer --image "$layout:$tag" \
      --history.created "$FIXTURE_EPOCH" --history.created_by "berth rootfs-cache" \
      --history.comment "opaque /opt/berth" "$work/layer3.tar"
    umoci config --image "$layout:$tag" --no-history \
      --os linux --architecture amd64 --created "$FIXTURE_EPOCH" \
      --config.env "$FIXTURE_PATH_ENV" --config.cmd bash
  done
  umoci rm --image "$layout:base"
  umoci gc --layout "$layout"

  expect_layer_entry "$layout" '^etc/\.wh\.issue\.net$'
  expect_layer_entry "$layout" '^usr/share/doc/\.wh\.bash$'
  expect_layer_entry "$layout" '^opt/berth/\.wh\.\.wh\.\.opq$'
  rm -rf "$work"
}
