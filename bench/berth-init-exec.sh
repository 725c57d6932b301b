#!/usr/bin/env bash
# Times berth-init from spawn to the command's exit (/bin/true in a busybox rootfs), with a Docker-like plan
# (proc, cgroupns, Docker's masked and read-only paths, default capabilities, no_new_privs), against the same
# `unshare -m -p -f` launching busybox `true` directly. The difference is what berth-init costs. Run as root.
#   bench/berth-init-exec.sh [RUNS]   (default 100)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-100}
if [[ -z ${BERTH_BENCH_INNER:-} ]]; then
  make -s -C "$repo/native"
  exec unshare --mount env BERTH_BENCH_INNER=1 "$0" "$@" # a private mount namespace for the rootfs bind mount
fi
work=$(mktemp -d /tmp/berth-bench-init.XXXXXX)
trap 'umount -l "$work/rootfs" 2>/dev/null || true; rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,dev,proc,sys}
cp /bin/busybox "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/true"
mknod -m 666 "$rootfs/dev/null" c 1 3
mount --make-rprivate /
mount --bind "$rootfs" "$rootfs"
{
  printf '%s\0' "rootfs=$rootfs" cwd=/ arg=true env=PATH=/bin uid=0 gid=0 nonewprivs=1 \
    cap.bounding=a80425fb cap.effective=a80425fb cap.permitted=a80425fb cap.inheritable=0 cap.ambient=0 \
    "rlimit=NOFILE:1024:$(ulimit -Hn)" # at most the current hard limit: raising it needs CAP_SYS_RESOURCE
  for p in /proc/asound /proc/acpi /proc/interrupts /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list \
    /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do printf 'mask=%s\0' "$p"; done
  for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do printf 'readonly=%s\0' "$p"; done
  printf '%s\0' proc=1 cgroupns=1 pdeathsig=9 end=1
  printf g
} >"$work/plan"
init=$repo/native/build/berth-init
with_init() { unshare --mount --pid --fork "$init" 3<"$work/plan" 4>"$work/error"; }
direct() { unshare --mount --pid --fork "$rootfs/bin/true"; }
elapsed_us() { local start=$EPOCHREALTIME; "$@"; echo "$EPOCHREALTIME - $start" | bc | tr -d .; }
with_init || { echo "berth-init failed (exit $?): $(cat "$work/error")" >&2; exit 1; }
# interleaved, so that load from other work on the machine hits both sides alike
for ((i = 0; i < runs; i++)); do
  elapsed_us direct >>"$work/direct.us"
  elapsed_us with_init >>"$work/init.us"
done
stats() { sort -n "$1" | awk '{ v[NR] = $1; sum += $1 } END { printf "mean %.3f ms, median %.3f ms", sum / NR / 1000, v[int((NR + 1) / 2)] / 1000 }'; }
median_us() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf 'berth-init binary: %s bytes (static)\n' "$(stat -c %s "$init")"
printf 'unshare -m -p -f true              : %s (%s runs)\n' "$(stats "$work/direct.us")" "$runs"
printf 'unshare -m -p -f berth-init -> true: %s (%s runs)\n' "$(stats "$work/init.us")" "$runs"
printf 'berth-init spawn-to-exec (median difference): %s ms\n' \
  "$(echo "scale=3; ($(median_us "$work/init.us") - $(median_us "$work/direct.us")) / 1000" | bc)"
