#!/usr/bin/env bash
# Prepares this machine for `make test` (as root, idempotent): Debian packages
# the integration tests drive (the engines of the oci-interop tests and the
# docker.io of test/integration/docker-parity through bench/install-peers.sh,
# which starts none of their services), node modules, and the fixture images
# (built ahead so no test waits minutes for debootstrap).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(docker-registry skopeo umoci busybox-static debootstrap zstd apache2-utils jq openssl containernetworking-plugins iproute2)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
else
  echo "setup: Debian packages present (${PACKAGES[*]})"
fi

bash bench/install-peers.sh

if [[ ! -d node_modules ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
else
  echo "setup: node_modules present"
fi

echo "setup: building fixture images (cached in ${BERTH_FIXTURE_CACHE:-/var/cache/berth/rootfs-cache})"
bash rootfs-cache/build.sh
