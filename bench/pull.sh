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
DOCKER_CLI="/usr/local/bin/docker"
[[ -x "$DOCKER_CLI" ]] || DOCKER_CLI="$(command -v docker || true)"

say() { echo "bench: $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

bash bench/install-peers.sh || say "could not install every peer; missing ones will fail below"
LAYOUT="$(bash rootfs-cache/build.sh debian)" || { say "fixture build failed"; exit 1; }
WORK="$(mktemp -d /tmp/berth-bench.XXXXXX)"
REGISTRY_PID=""
DOCKERD_PID=""

unmount_under() {
  local dir="$1"
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r mp; do umount --lazy "$mp" 2>/dev/null || true; done
}
stop_pid() {
  local pid="$1" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
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

# A private dockerd per round (its start is not timed): fresh data root each time.
# Runs in the main shell (not in $(...)) so DOCKERD_PID reaches cleanup.
start_dockerd() {
  local dir="$1" i
  command -v dockerd >/dev/null || { say "docker failed: dockerd is not installed"; return 1; }
  mkdir -p "$dir/data" "$dir/exec"
  dockerd --data-root "$dir/data" --exec-root "$dir/exec" --host "unix://$dir/docker.sock" \
    --pidfile "$dir/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
    --exec-opt native.cgroupdriver=cgroupfs --insecure-registry "$HOST" > "$dir/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for i in $(seq 1 150); do
    "$DOCKER_CLI" -H "unix://$dir/docker.sock" version > /dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.2
  done
  say "docker failed: dockerd did not start: $(tail -n 5 "$dir/dockerd.log" | tr '\n' ' ')"
  return 1
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
  order=("${TOOLS[@]:$(( (round - 1) % ${#TOOLS[@]} ))}" "${TOOLS[@]:0:$(( (round - 1) % ${#TOOLS[@]} ))}")
  for tool in "${order[@]}"; do
    dir="$WORK/round$round-$tool"
    mkdir -p "$dir"
    if [[ $tool == docker ]]; then
      if ! start_dockerd "$dir"; then
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

median() {
  tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print ""; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo
echo "pull of debian:bench from $HOST, $ROUNDS rounds (median of successful rounds)"
printf '%-14s %10s %10s %10s %8s %10s\n' tool median_ms min_ms max_ms ok vs_podman
podman_median="$(echo "${TIMES[podman]}" | median)"
for tool in "${TOOLS[@]}"; do
  times="${TIMES[$tool]}"
  med="$(echo "$times" | median)"
  ok=$(( ROUNDS - FAILS[$tool] ))
  if [[ -z "$med" ]]; then
    printf '%-14s %10s %10s %10s %8s %10s\n' "$tool" - - - "0/$ROUNDS" -
    continue
  fi
  min="$(echo "$times" | tr ' ' '\n' | grep -v '^$' | sort -n | head -n1)"
  max="$(echo "$times" | tr ' ' '\n' | grep -v '^$' | sort -n | tail -n1)"
  ratio=-
  [[ -n "$podman_median" && "$podman_median" -gt 0 ]] && ratio="$(awk -v a="$med" -v b="$podman_median" 'BEGIN { printf "%.2fx", a / b }')"
  printf '%-14s %10d %10d %10d %8s %10s\n' "$tool" "$med" "$min" "$max" "$ok/$ROUNDS" "$ratio"
done
