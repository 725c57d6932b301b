#!/usr/bin/env bash
# Usage: [N=5] bench/pull.sh
# Pulls the debian fixture (tag `portable`: 3 layers, ~51 MB gzip, no hardlink
# across layers, which docker and podman refuse) from a local registry with
# berth, podman, docker (a private dockerd) and skopeo+umoci, N rounds each,
# alternating the order, fresh directories every round; `gzip -dc` of the same
# layer blobs is the floor. Prints medians and each tool's ratio to podman.
# A tool that fails is reported and left out; the others still run.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
ROUNDS="${N:-5}"
source bench/lib.sh

bash bench/install-peers.sh || say "could not install every peer; missing ones will fail below"
LAYOUT="$(bash rootfs-cache/build.sh debian)" || { say "fixture build failed"; exit 1; }
WORK="$(mktemp -d /tmp/berth-bench.XXXXXX)"
REGISTRY_PID=""

cleanup() {
  stop_pid "$DOCKERD_PID"
  stop_pid "$REGISTRY_PID"
  unmount_under "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- registry with the debian fixture as debian:bench ----
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
HOST="127.0.0.1:$PORT"
REF="$HOST/debian:bench"
mkdir -p "$WORK/registry/storage"
cat > "$WORK/registry/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/registry/storage
http:
  addr: $HOST
YAML
docker-registry serve "$WORK/registry/config.yml" > "$WORK/registry/log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 100); do
  node -e "fetch('http://$HOST/v2/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && break
  sleep 0.2
done
skopeo copy --quiet --insecure-policy --dest-tls-verify=false "oci:$LAYOUT:portable" "docker://$REF" ||
  { say "push to $HOST failed: $(tail -n 5 "$WORK/registry/log")"; exit 1; }
MANIFEST="$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "portable") | .digest | sub(":"; "/")' "$LAYOUT/index.json")"
LAYER_BLOBS=()
for d in $(jq -r '.layers[].digest | sub(":"; "/")' "$LAYOUT/blobs/$MANIFEST"); do LAYER_BLOBS+=("$LAYOUT/blobs/$d"); done
say "registry $HOST serving debian:bench (${#LAYER_BLOBS[@]} layers, $(cat "${LAYER_BLOBS[@]}" | wc -c) bytes compressed)"

# ---- one function per tool: pull REF into the fresh directory $1 ----
pull_berth() {
  node "$REPO/bin/berth" --root "$1/root" pull "$REF"
}
pull_podman() {
  podman --root "$1/root" --runroot "$1/runroot" --cgroup-manager=cgroupfs --events-backend=file \
    pull --quiet --tls-verify=false "$REF"
}
pull_docker() {
  DOCKER_CONFIG="$1/client" "$DOCKER_CLI" -H "unix://$1/docker.sock" pull --quiet "$REF"
}
pull_skopeo_umoci() {
  skopeo copy --quiet --insecure-policy --src-tls-verify=false "docker://$REF" "oci:$1/layout:bench" &&
    umoci unpack --image "$1/layout:bench" "$1/bundle"
}
pull_gzip_floor() {
  local blob
  for blob in "${LAYER_BLOBS[@]}"; do gzip -dc "$blob" > /dev/null || return 1; done
}

TOOLS=(berth podman docker skopeo_umoci gzip_floor)
declare -A TIMES FAILS
for tool in "${TOOLS[@]}"; do TIMES[$tool]=""; FAILS[$tool]=0; done

run_timed() {
  local tool="$1" dir="$2" start end
  start=$(now_ms)
  if "pull_$tool" "$dir" > "$dir.out" 2>&1; then
    end=$(now_ms)
    TIMES[$tool]+="$((end - start)) "
    printf '  %-13s %6d ms\n' "$tool" "$((end - start))" >&2
  else
    FAILS[$tool]=$((FAILS[$tool] + 1))
    say "$tool failed: $(tail -n 3 "$dir.out" | tr '\n' ' ')"
  fi
}

for round in $(seq 1 "$ROUNDS"); do
  say "round $round/$ROUNDS"
  # Rotate the order so no tool always runs first (cold) or right after another.
  for tool in $(rotated "$round" "${TOOLS[@]}"); do
    dir="$WORK/round$round-$tool"
    mkdir -p "$dir"
    if [[ $tool == docker ]]; then # a private dockerd per round, fresh data root, its start not timed
      if ! start_dockerd "$dir" --insecure-registry "$HOST"; then
        FAILS[docker]=$((FAILS[docker] + 1))
        stop_pid "$DOCKERD_PID"; DOCKERD_PID=""
        unmount_under "$dir"; rm -rf "$dir"
        continue
      fi
    fi
    run_timed "$tool" "$dir"
    if [[ $tool == docker ]]; then stop_pid "$DOCKERD_PID"; DOCKERD_PID=""; fi
    unmount_under "$dir"
    rm -rf "$dir"
  done
done

echo
echo "pull of debian:bench from $HOST, $ROUNDS rounds (median of successful rounds)"
printf '%-14s %10s %10s %10s %8s %10s\n' tool median_ms min_ms max_ms ok vs_podman
read -r podman_median _ <<< "$(summarize "${TIMES[podman]}")"
for tool in "${TOOLS[@]}"; do
  ok=$(( ROUNDS - FAILS[$tool] ))
  read -r med min max <<< "$(summarize "${TIMES[$tool]}")"
  if [[ -z "$med" ]]; then
    printf '%-14s %10s %10s %10s %8s %10s\n' "$tool" - - - "0/$ROUNDS" -
    continue
  fi
  printf '%-14s %10.0f %10d %10d %8s %10s\n' "$tool" "$med" "$min" "$max" "$ok/$ROUNDS" "$(ratio "$med" "$podman_median")"
done
