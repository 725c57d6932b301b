#!/usr/bin/env bash
# Usage: [N=5] [MODES="fresh warm"] [TOOLS="berth podman ..."] [BERTH_BASE=/other/checkout] bench/pull.sh
# Pulls the debian fixture (tag `portable`: 3 layers, ~51 MB gzip, no hardlink
# across layers, which docker and podman refuse) from a local registry with
# berth, podman, docker (a private dockerd) and skopeo+umoci, N rounds per
# mode, alternating the order; `gzip -dc` of the same layer blobs is the floor.
#   fresh: every pull into a new, empty directory.
#   warm:  every tool keeps one store for all rounds (as a user's /var/lib/berth),
#          primed by one pull; the image is removed (rmi) between rounds, untimed.
# Each removal is followed by `sync`, so no tool pays for another's writeback,
# and each tool's directories get block groups of their own (chattr +T on their
# parent, on ext4), as if each tool were alone on the machine: on ext4 without a
# journal, creating files next to thousands of just-freed inodes costs kernel
# time per file, so one tool's removals would otherwise slow the next tool.
# BERTH_BASE adds `berth_base`, the same pull with another built checkout
# (before/after in one run). Prints medians and each tool's ratio to podman.
# A tool that fails is reported and left out; the others still run.
set -uo pipefail
# This machine sets NODE_EXTRA_CA_CERTS, users' machines do not: with it every
# Node start parses the extra certificates first (50-140 ms), berth's included.
unset NODE_EXTRA_CA_CERTS
cd "$(dirname "$0")/.."
REPO="$PWD"
ROUNDS="${N:-5}"
MODES="${MODES:-fresh warm}"
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

# ---- per tool: pull REF into the store in directory $1, and remove it from there again ----
berth_in() { local checkout="$1" dir="$2"; shift 2; node "$checkout/bin/berth" --root "$dir/root" "$@"; }
pull_berth() { berth_in "$REPO" "$1" pull "$REF"; }
remove_berth() { berth_in "$REPO" "$1" rmi "$REF"; }
pull_berth_base() { berth_in "$BERTH_BASE" "$1" pull "$REF"; }
remove_berth_base() { berth_in "$BERTH_BASE" "$1" rmi "$REF"; }
podman_in() {
  local dir="$1"
  shift
  podman --root "$dir/root" --runroot "$dir/runroot" --cgroup-manager=cgroupfs --events-backend=file "$@"
}
pull_podman() { podman_in "$1" pull --quiet --tls-verify=false "$REF"; }
remove_podman() { podman_in "$1" rmi "$REF"; }
pull_docker() { DOCKER_CONFIG="$1/client" "$DOCKER_CLI" -H "unix://$1/docker.sock" pull --quiet "$REF"; }
remove_docker() { DOCKER_CONFIG="$1/client" "$DOCKER_CLI" -H "unix://$1/docker.sock" rmi "$REF"; }
pull_skopeo_umoci() {
  skopeo copy --quiet --insecure-policy --src-tls-verify=false "docker://$REF" "oci:$1/layout:bench" &&
    umoci unpack --image "$1/layout:bench" "$1/bundle"
}
remove_skopeo_umoci() { rm -rf "$1/layout" "$1/bundle"; }
pull_gzip_floor() {
  local blob
  for blob in "${LAYER_BLOBS[@]}"; do gzip -dc "$blob" > /dev/null || return 1; done
}
remove_gzip_floor() { :; }

if [[ -n "${TOOLS:-}" ]]; then
  read -r -a TOOLS <<< "$TOOLS"
else
  TOOLS=(berth podman docker skopeo_umoci gzip_floor)
  if [[ -n "${BERTH_BASE:-}" ]]; then TOOLS=(berth berth_base podman docker skopeo_umoci gzip_floor); fi
fi
declare -A TIMES FAILS

run_timed() {
  local mode="$1" tool="$2" dir="$3" start end
  start=$(now_ms)
  if "pull_$tool" "$dir" > "$dir.out" 2>&1; then
    end=$(now_ms)
    TIMES[$mode.$tool]+="$((end - start)) "
    printf '  %-13s %6d ms\n' "$tool" "$((end - start))" >&2
  else
    FAILS[$mode.$tool]=$((FAILS[$mode.$tool] + 1))
    say "$tool failed: $(tail -n 3 "$dir.out" | tr '\n' ' ')"
  fi
}

# A private dockerd with its state in $1 (its start is never timed); false when it would not start.
docker_up() {
  if start_dockerd "$1" --insecure-registry "$HOST"; then return 0; fi
  stop_pid "$DOCKERD_PID"
  DOCKERD_PID=""
  return 1
}
docker_down() {
  stop_pid "$DOCKERD_PID"
  DOCKERD_PID=""
}

# The parent of every tool's directories for `mode`, flagged so its subdirectories spread.
mode_dir() {
  mkdir -p "$WORK/$1"
  chattr +T "$WORK/$1" 2>/dev/null || true
  echo "$WORK/$1"
}

bench_fresh() {
  local round tool dir parent
  parent="$(mode_dir fresh)"
  for round in $(seq 1 "$ROUNDS"); do
    say "fresh round $round/$ROUNDS"
    # Rotate the order so no tool always runs first (cold) or right after another.
    for tool in $(rotated "$round" "${TOOLS[@]}"); do
      dir="$parent/$round-$tool"
      mkdir -p "$dir"
      if [[ $tool != docker ]] || docker_up "$dir"; then
        run_timed fresh "$tool" "$dir"
      else
        FAILS[fresh.docker]=$((FAILS[fresh.docker] + 1))
      fi
      [[ $tool == docker ]] && docker_down
      unmount_under "$dir"
      rm -rf "$dir"
      sync
    done
  done
}

# Docker keeps one dockerd for the warm rounds: its store is the warm one.
bench_warm() {
  local round tool dir parent
  parent="$(mode_dir warm)"
  for tool in "${TOOLS[@]}"; do
    dir="$parent/$tool"
    mkdir -p "$dir"
    if [[ $tool == docker ]] && ! docker_up "$dir"; then continue; fi
    { "pull_$tool" "$dir" && "remove_$tool" "$dir"; } > "$dir.out" 2>&1 || say "$tool: priming its store failed: $(tail -n 3 "$dir.out" | tr '\n' ' ')"
  done
  sync
  for round in $(seq 1 "$ROUNDS"); do
    say "warm round $round/$ROUNDS"
    for tool in $(rotated "$round" "${TOOLS[@]}"); do
      dir="$parent/$tool"
      if [[ $tool == docker && -z "$DOCKERD_PID" ]]; then
        FAILS[warm.docker]=$((FAILS[warm.docker] + 1))
        continue
      fi
      run_timed warm "$tool" "$dir"
      "remove_$tool" "$dir" >> "$dir.out" 2>&1 || say "$tool: removing the image failed: $(tail -n 3 "$dir.out" | tr '\n' ' ')"
      sync
    done
  done
  docker_down
  for tool in "${TOOLS[@]}"; do
    unmount_under "$parent/$tool"
    rm -rf "$parent/$tool"
  done
}

report() {
  local mode="$1" tool ok med min max podman_median
  echo
  echo "pull of debian:bench from $HOST, $mode, $ROUNDS rounds (median of successful rounds)"
  printf '%-14s %10s %10s %10s %8s %10s\n' tool median_ms min_ms max_ms ok vs_podman
  read -r podman_median _ <<< "$(summarize "${TIMES[$mode.podman]:-}")"
  for tool in "${TOOLS[@]}"; do
    ok=$(( ROUNDS - ${FAILS[$mode.$tool]:-0} ))
    read -r med min max <<< "$(summarize "${TIMES[$mode.$tool]:-}")"
    if [[ -z "$med" ]]; then
      printf '%-14s %10s %10s %10s %8s %10s\n' "$tool" - - - "0/$ROUNDS" -
      continue
    fi
    printf '%-14s %10.0f %10d %10d %8s %10s\n' "$tool" "$med" "$min" "$max" "$ok/$ROUNDS" "$(ratio "$med" "${podman_median:-}")"
  done
}

for mode in $MODES; do
  case "$mode" in
    fresh) bench_fresh ;;
    warm) bench_warm ;;
    *) say "unknown mode \`$mode\` (fresh, warm)"; exit 1 ;;
  esac
done
for mode in $MODES; do report "$mode"; done
