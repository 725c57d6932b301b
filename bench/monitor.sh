#!/usr/bin/env bash
# Usage: [COUNTS="10 50"] [PEERS=1] bench/monitor.sh     (root; berth built: npx tsc -p tsconfig.json && make -C native)
# What stays behind a detached container: for COUNTS detached `sleep 1000` busybox containers, the memory of
# the per-container monitor process — berth-monitor for berth, conmon for podman, containerd-shim-runc-v2 for
# docker (a private dockerd) — as RSS and PSS per container (from /proc/PID/smaps_rollup: PSS splits the
# shared pages of the binary among the copies, so it is what N containers really cost), and the wall time
# to start them one after the other. PEERS=0 measures berth only. Leaves nothing behind.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
REPO="$PWD"
COUNTS="${COUNTS:-10 50}"
PEERS="${PEERS:-1}"
source bench/lib.sh

[[ $EUID -eq 0 ]] || { say "run as root"; exit 1; }
[[ -f dist/cli/main.js && -x native/build/berth-monitor ]] ||
  { say "build berth first: npx tsc -p tsconfig.json && make -s -C native"; exit 1; }

WORK="$(mktemp -d /tmp/berth-bench-monitor.XXXXXX)"
BERTH=("$REPO/bin/berth" --root "$WORK/berth")
PODMAN=(podman --root "$WORK/podman/root" --runroot "$WORK/podman/run" --tmpdir "$WORK/podman/tmp"
  --cgroup-manager=cgroupfs --events-backend=file --runtime crun)
DOCKER=("$DOCKER_CLI" --config "$WORK/docker/client" -H "unix://$WORK/docker/docker.sock")
# crun refuses a hybrid cgroup layout while cgroup2 is mounted at /sys/fs/cgroup/unified: podman runs
# in a private mount namespace without it (as bench/run.sh does).
PODMAN_WRAP=()
awk '$5 == "/sys/fs/cgroup/unified" { found = 1 } END { exit !found }' /proc/self/mountinfo &&
  PODMAN_WRAP=(unshare -m sh -c 'umount /sys/fs/cgroup/unified; exec "$@"' sh)

cleanup() {
  [[ -d $WORK/berth ]] && "${BERTH[@]}" ps -aq 2>/dev/null | xargs -r "${BERTH[@]}" rm -f > /dev/null 2>&1
  [[ -d $WORK/podman/root ]] && "${PODMAN_WRAP[@]}" "${PODMAN[@]}" rm -af -t 0 > /dev/null 2>&1
  if [[ -n "$DOCKERD_PID" ]]; then
    "${DOCKER[@]}" ps -aq 2>/dev/null | xargs -r "${DOCKER[@]}" rm -f > /dev/null 2>&1
    stop_pid "$DOCKERD_PID"
  fi
  unmount_under "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Pids of the processes named COMM whose command line mentions this run's directory.
monitors_of() {
  local comm="$1" pid
  for pid in $(pgrep -x "$comm"); do
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$WORK" && echo "$pid"
  done
}

# "count rss_kb_per pss_kb_per" over the given pids.
memory_of() {
  local pid rss=0 pss=0 n=0 r p
  for pid in "$@"; do
    r="$(awk '$1 == "Rss:" { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)" || continue
    p="$(awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)" || continue
    [[ -n $r && -n $p ]] || continue
    rss=$((rss + r)); pss=$((pss + p)); n=$((n + 1))
  done
  awk -v n="$n" -v r="$rss" -v p="$pss" 'BEGIN { if (n) printf "%d %d %d\n", n, r / n, p / n; else print "0 - -" }'
}

# start TOOL COUNT: starts COUNT detached containers, prints the wall time in ms.
start_many() {
  local tool="$1" count="$2" i t0
  t0="$(now_ms)"
  for i in $(seq 1 "$count"); do
    case "$tool" in
      berth) "${BERTH[@]}" run -d --network none busybox sleep 1000 ;;
      podman) "${PODMAN_WRAP[@]}" "${PODMAN[@]}" run -d --network none \
        --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 busybox sleep 1000 ;;
      docker) "${DOCKER[@]}" run -d --network none busybox sleep 1000 ;;
    esac > /dev/null || { say "$tool: run -d failed"; return 1; }
  done
  echo $(( $(now_ms) - t0 ))
}

remove_all() {
  case "$1" in
    berth) "${BERTH[@]}" ps -aq | xargs -r "${BERTH[@]}" rm -f > /dev/null ;;
    podman) "${PODMAN_WRAP[@]}" "${PODMAN[@]}" rm -af -t 0 > /dev/null 2>&1 ;;
    docker) "${DOCKER[@]}" ps -aq | xargs -r "${DOCKER[@]}" rm -f > /dev/null ;;
  esac
}

# ---- images: the same busybox rootfs for every tool ----
say "preparing images in $WORK"
BUSYBOX_TAR="$(bash rootfs-cache/busybox-rootfs.sh "$WORK/busybox-rootfs.tar")" || { say "busybox rootfs failed"; exit 1; }
"${BERTH[@]}" import --change 'CMD ["sh"]' "$BUSYBOX_TAR" busybox:latest > /dev/null || { say "berth import failed"; exit 1; }
TOOLS=(berth)
if [[ $PEERS == 1 ]]; then
  bash bench/install-peers.sh || say "could not install every peer; missing ones are left out"
  if command -v podman > /dev/null && command -v conmon > /dev/null &&
    "${PODMAN_WRAP[@]}" "${PODMAN[@]}" import --change 'CMD ["sh"]' "$BUSYBOX_TAR" busybox:latest > /dev/null 2>&1; then
    TOOLS+=(podman)
  else
    say "podman left out (not installed, or import failed)"
  fi
  if start_dockerd "$WORK/docker" && "${DOCKER[@]}" import --change 'CMD ["sh"]' "$BUSYBOX_TAR" busybox:latest > /dev/null; then
    TOOLS+=(docker)
  else
    say "docker left out"
  fi
fi

# comm is cut at 15 characters: containerd-shim-runc-v2 shows as containerd-shim.
declare -A COMM=([berth]=berth-monitor [podman]=conmon [docker]=containerd-shim)
printf '%-8s %-16s %6s %9s %12s %12s %10s\n' tool monitor count start_ms ms_per_ctr rss_kb/ctr pss_kb/ctr
for count in $COUNTS; do
  for tool in "${TOOLS[@]}"; do
    ms="$(start_many "$tool" "$count")" || { remove_all "$tool"; continue; }
    sleep 1 # let each monitor settle in its steady state
    mapfile -t pids < <(monitors_of "${COMM[$tool]}")
    read -r n rss pss <<< "$(memory_of "${pids[@]}")"
    [[ $n == "$count" ]] || say "$tool: found $n ${COMM[$tool]} processes for $count containers"
    printf '%-8s %-16s %6d %9d %12d %12s %10s\n' "$tool" "${COMM[$tool]}" "$count" "$ms" $((ms / count)) "$rss" "$pss"
    remove_all "$tool"
  done
done
say "done; removing containers, daemons and $WORK"
