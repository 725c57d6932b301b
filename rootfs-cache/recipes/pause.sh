# pause: a from-scratch image holding only /pause, a static C program that sleeps
# until SIGINT/SIGTERM and reaps orphans (the job of Kubernetes' pause image).
# The CRI tests import it as containerd's sandbox image.
build_pause() {
  local layout="$1/layout" work="$1/work"
  mkdir -p "$work/rootfs"
  gcc -std=c11 -O2 -Wall -Wextra -Werror -static -s -o "$work/rootfs/pause" "$RECIPES_DIR/recipes/pause.c"
  chmod 0755 "$work/rootfs" "$work/rootfs/pause"
  tar_dir "$work/rootfs" "$work/layer.tar"
  new_layout "$layout"
  add_layer "$layout" "$work/layer.tar" "static pause program"
  umoci config --image "$layout:$FIXTURE_TAG" --no-history \
    --os linux --architecture amd64 --created "$FIXTURE_EPOCH" \
    --config.entrypoint /pause --config.user 65535:65535
  umoci gc --layout "$layout"
  rm -rf "$work"
}
