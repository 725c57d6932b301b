#!/usr/bin/env bash
# `make demo`: on a fresh Debian 12 machine, as root: install what berth
# needs, build it, import a busybox image made from Debian's busybox-static
# through berth's own `import`, and list it. Never needs Docker Hub.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "Error: make demo must run as root (sudo make demo)" >&2; exit 1; }

need=()
for pkg in busybox-static zstd; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "==> apt-get install ${need[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

echo "==> build"
make -s build

berth=./bin/berth
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "==> berth import (busybox rootfs from Debian's busybox-static)"
bash rootfs-cache/busybox-rootfs.sh "$work/busybox.tar"
$berth import --change 'CMD ["sh"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$work/busybox.tar" busybox:latest

echo "==> berth images"
$berth images

echo "==> berth run --rm busybox (an isolated container from that image)"
$berth run --rm busybox sh -c 'echo "hello from PID $$ in container $(hostname)"; id'
