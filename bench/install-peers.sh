#!/usr/bin/env bash
# Installs the peers that the bench/ scripts compare berth with and that the
# oci-interop tests drive (podman, docker.io, containerd, crun, runc, GNU time,
# hyperfine) from Debian when missing, without letting their packages start
# system daemons: benchmarks and tests run their own private dockerd and containerd.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v skopeo >/dev/null || missing+=(skopeo)
command -v umoci >/dev/null || missing+=(umoci)
command -v crun >/dev/null || missing+=(crun)
command -v runc >/dev/null || missing+=(runc)
command -v ctr >/dev/null || missing+=(containerd)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[[ -x /usr/bin/time ]] || missing+=(time)
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "bench: installing ${missing[*]}" >&2
policy=/usr/sbin/policy-rc.d
made_policy=false
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  made_policy=true
fi
trap '$made_policy && rm -f "$policy"' EXIT
apt-get update -q >&2
apt-get install -y -q "${missing[@]}" >&2
