#!/usr/bin/env bash
# Usage: [N=20] bench/run.sh        (root; berth built: npx tsc -p tsconfig.json && make -C native)
# Container start-up: `run --rm --network none busybox true` with berth, podman (crun), docker (a private
# dockerd, runc), and `run` of the same rootfs as an OCI bundle with crun and runc; berth also on the
# 3-layer debian fixture (start-up must not grow with image size); `node -e 0` is the floor of one Node
# start-up. N rounds, the order rotated every round, one warm-up run per tool first (untimed).
# All tools run the same image: berth imports rootfs-cache/busybox-rootfs.sh's tar, podman and docker
# load the busybox fixture (same layer bytes, checked below) as a docker-archive made with skopeo.
#
# Every command runs in a small bash that times it with $EPOCHREALTIME around `/usr/bin/time -f %M`
# (peak RSS of the tool's CLI process, or of its largest waited-for descendant), so each figure bears
# the same ~1 ms of /usr/bin/time, shown as the `/usr/bin/time true` row. On a hybrid cgroup layout crun (and so
# podman with crun) refuses to run while cgroup2 is mounted at /sys/fs/cgroup/unified: those two then
# run in a private mount namespace with it unmounted, timed inside it; the cost of that wrapper
# (`unshare -m` + umount) is the separate `unshare -m+umount` row, not included in theirs.
# NODE_EXTRA_CA_CERTS, when set, makes every Node start-up parse that CA bundle (~150 ms for Debian's):
# the tools run without it, and the `node -e 0 +CA` row shows what it would add to berth.
# A tool that fails its warm-up is reported and left out; the others still run. Leaves nothing behind
# (containers, mounts, cgroups, daemons) and says so at the end.
set -uo pipefail
export LC_ALL=C # $EPOCHREALTIME with a dot
cd "$(dirname "$0")/.."
REPO="$PWD"
ROUNDS="${N:-20}"
source bench/lib.sh

[[ $EUID -eq 0 ]] || { say "run as root"; exit 1; }
[[ -f dist/cli/main.js && -x native/build/berth-init ]] ||
  { say "build berth first: npx tsc -p tsconfig.json && make -s -C native"; exit 1; }
bash bench/install-peers.sh || say "could not install every peer; missing ones will fail below"
LAYOUTS="$(bash rootfs-cache/build.sh busybox debian)" || { say "fixture build failed"; exit 1; }
BUSYBOX_LAYOUT="$(sed -n 1p <<< "$LAYOUTS")"
DEBIAN_LAYOUT="$(sed -n 2p <<< "$LAYOUTS")"

WORK="$(mktemp -d /tmp/berth-bench-run.XXXXXX)"
BERTH_ROOT="$WORK/berth"
BUNDLE="$WORK/bundle"
PODMAN=(podman --root "$WORK/podman/root" --runroot "$WORK/podman/run" --tmpdir "$WORK/podman/tmp"
  --cgroup-manager=cgroupfs --events-backend=file --runtime crun)
DOCKER=("$DOCKER_CLI" --config "$WORK/docker/client" -H "unix://$WORK/docker/docker.sock")
ID="bench-$$"
HYBRID=false
awk '$5 == "/sys/fs/cgroup/unified" { found = 1 } END { exit !found }' /proc/self/mountinfo && HYBRID=true

# ---- what the host had before, so cleanup removes only what this run added ----
CGROUP_ROOTS=(/sys/fs/cgroup/*/)
[[ -f /sys/fs/cgroup/cgroup.controllers ]] && CGROUP_ROOTS=(/sys/fs/cgroup/)
HOST_PATHS=(/run/containerd/s /run/containerd /run/crun /run/runc /run/libpod /run/containers/networks
  /run/containers)
for root in "${CGROUP_ROOTS[@]}"; do HOST_PATHS+=("${root}docker" "${root}libpod_parent" "${root}berth"); done
declare -A EXISTED
for path in "${HOST_PATHS[@]}"; do [[ -e $path ]] && EXISTED[$path]=1; done
BERTH_CGROUP_DIR=/sys/fs/cgroup/memory/berth
[[ -d /sys/fs/cgroup/memory ]] || BERTH_CGROUP_DIR="${CGROUP_ROOTS[0]}berth"
berth_cgroups() { ls "$BERTH_CGROUP_DIR" 2>/dev/null | grep -E '^[0-9a-f]{64}$' | sort; }
BERTH_CGROUPS_BEFORE="$(berth_cgroups)"

# Removes the cgroup DIR and its children, deepest first (rmdir only: a cgroup with tasks stays).
remove_cgroup() { [[ -d $1 ]] && find "$1" -depth -type d -exec rmdir {} + 2>/dev/null; }

cleanup() {
  local path root
  if [[ -n "$DOCKERD_PID" ]]; then
    "${DOCKER[@]}" ps -aq 2>/dev/null | xargs -r "${DOCKER[@]}" rm -f > /dev/null 2>&1
    stop_pid "$DOCKERD_PID"
  fi
  if [[ -d $WORK/podman/root ]]; then # only an interrupted run leaves a podman container (and its conmon)
    if $HYBRID; then
      unshare -m sh -c 'umount /sys/fs/cgroup/unified; exec "$@"' podman "${PODMAN[@]}" rm -af -t 0 > /dev/null 2>&1
    else
      "${PODMAN[@]}" rm -af -t 0 > /dev/null 2>&1
    fi
  fi
  [[ -x "$REPO/bin/berth" && -d $BERTH_ROOT ]] &&
    "$REPO/bin/berth" --root "$BERTH_ROOT" ps -aq 2>/dev/null | xargs -r "$REPO/bin/berth" --root "$BERTH_ROOT" rm -f > /dev/null 2>&1
  for path in "$WORK/runc-state" "$WORK/crun-state"; do
    [[ -d $path ]] || continue
    for id in $(ls "$path"); do "$(basename "$path" -state)" --root "$path" delete -f "$id" > /dev/null 2>&1; done
  done
  for root in "${CGROUP_ROOTS[@]}"; do
    for path in "$root$ID"-*; do remove_cgroup "$path"; done
  done
  for path in "${HOST_PATHS[@]}"; do
    [[ -z ${EXISTED[$path]:-} && -e $path ]] || continue
    case "$path" in
      /sys/fs/cgroup/*) remove_cgroup "$path" ;;
      *) [[ -d $path ]] && rmdir "$path" 2>/dev/null ;;
    esac
  done
  unmount_under "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- images ----
say "preparing images and the OCI bundle in $WORK"
BUSYBOX_TAR="$(bash rootfs-cache/busybox-rootfs.sh "$WORK/busybox-rootfs.tar")" || { say "busybox rootfs failed"; exit 1; }
image_config() { # LAYOUT TAG -> the config blob's path
  local manifest
  manifest="$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest | sub(":"; "/")' "$1/index.json")"
  echo "$1/blobs/$(jq -r '.config.digest | sub(":"; "/")' "$1/blobs/$manifest")"
}
fixture_diff_id="$(jq -r '.rootfs.diff_ids[0]' "$(image_config "$BUSYBOX_LAYOUT" latest)")"
[[ "$fixture_diff_id" == "sha256:$(sha256sum < "$BUSYBOX_TAR" | cut -d' ' -f1)" ]] ||
  { say "the busybox fixture's layer ($fixture_diff_id) differs from $BUSYBOX_TAR"; exit 1; }
skopeo copy --quiet --insecure-policy "oci:$BUSYBOX_LAYOUT:latest" "docker-archive:$WORK/busybox-image.tar:busybox:latest" &&
  skopeo copy --quiet --insecure-policy "oci:$DEBIAN_LAYOUT:portable" "docker-archive:$WORK/debian-image.tar:debian:latest" ||
  { say "skopeo copy failed"; exit 1; }
DEBIAN_SIZE="$(du -m "$WORK/debian-image.tar" | cut -f1)"
BUSYBOX_SIZE="$(du -m "$BUSYBOX_TAR" | cut -f1)"
"$REPO/bin/berth" --root "$BERTH_ROOT" import --change 'CMD ["sh"]' "$BUSYBOX_TAR" busybox:latest > /dev/null &&
  "$REPO/bin/berth" --root "$BERTH_ROOT" load -i "$WORK/debian-image.tar" > /dev/null ||
  { say "berth could not import the images"; exit 1; }
rm -f "$WORK/debian-image.tar"

# OCI bundle for crun and runc: `runc spec`, not a terminal, runs `true`, keeps its network namespace.
# The root stays writable like the other tools' overlay roots.
mkdir -p "$BUNDLE/rootfs" "$WORK/runc-state" "$WORK/crun-state"
tar -xf "$BUSYBOX_TAR" -C "$BUNDLE/rootfs" && runc spec --bundle "$BUNDLE" &&
  jq '.process.terminal = false | .process.args = ["true"] | .root.readonly = false' "$BUNDLE/config.json" > "$BUNDLE/config.new" &&
  mv "$BUNDLE/config.new" "$BUNDLE/config.json" || { say "OCI bundle failed"; exit 1; }

# ---- the command of each tool; @N@ becomes the run's number (crun and runc need unique container ids) ----
declare -A CMD
cmd() { local tool="$1"; shift; CMD[$tool]="${*@Q}"; }
cmd berth "$REPO/bin/berth" --root "$BERTH_ROOT" run --rm --network none busybox true
cmd berth_debian "$REPO/bin/berth" --root "$BERTH_ROOT" run --rm --network none debian true
cmd podman "${PODMAN[@]}" run --rm --network none \
  --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 busybox true
cmd docker "${DOCKER[@]}" run --rm --network none busybox true
cmd crun crun --root "$WORK/crun-state" run --bundle "$BUNDLE" "$ID-crun-@N@"
cmd runc runc --root "$WORK/runc-state" run --bundle "$BUNDLE" "$ID-runc-@N@"
cmd node node -e 0
cmd exec_true true
cmd unshare_umount unshare -m sh -c 'umount /sys/fs/cgroup/unified'
EXTRA_CA="${NODE_EXTRA_CA_CERTS:-}"
unset NODE_EXTRA_CA_CERTS
cmd node_extra_ca env NODE_EXTRA_CA_CERTS="$EXTRA_CA" node -e 0

TOOLS=(berth berth_debian podman docker crun runc node exec_true)
$HYBRID && TOOLS+=(unshare_umount)
[[ -n "$EXTRA_CA" ]] && TOOLS+=(node_extra_ca)
declare -A TIMES RSS FAILS PRIVATE_CGROUPFS
for tool in "${TOOLS[@]}"; do TIMES[$tool]=""; RSS[$tool]=""; FAILS[$tool]=0; done
$HYBRID && PRIVATE_CGROUPFS=([crun]=1 [podman]=1)

# The timing shell runs "$@" (/usr/bin/time and the tool) and writes "elapsed_us peak_rss_kb" to $3.
TIMED='log="$1" out="$2" rss="$3"
shift 3
t0=$EPOCHREALTIME
"$@" > "$log" 2>&1
rc=$?
t1=$EPOCHREALTIME
echo "$(( ${t1/./} - ${t0/./} )) $(tail -n 1 "$rss")" > "$out"
exit $rc'

# measure TOOL RUN: one timed run; appends to TIMES and RSS, or fails with the output in $WORK/TOOL.log
measure() {
  local tool="$1" out="$WORK/$1.out" rss="$WORK/$1.rss" us kb
  eval "local argv=(${CMD[$tool]//@N@/$2})"
  local inner=(bash -c "$TIMED" timed "$WORK/$tool.log" "$out" "$rss" /usr/bin/time -f %M -o "$rss" "${argv[@]}")
  if [[ -n ${PRIVATE_CGROUPFS[$tool]:-} ]]; then
    inner=(unshare -m bash -c 'umount /sys/fs/cgroup/unified || exit 125; exec "$@"' private "${inner[@]}")
  fi
  rm -f "$out"
  "${inner[@]}" || return 1
  read -r us kb < "$out"
  TIMES[$tool]+="$us "
  RSS[$tool]+="$kb "
  printf '  %-15s %8.1f ms %8d KB\n' "$tool" "$(awk -v u="$us" 'BEGIN { print u / 1000 }')" "$kb" >&2
}
failed() {
  FAILS[$1]=$((FAILS[$1] + 1))
  say "$1 failed: $(tail -n 3 "$WORK/$1.log" 2>/dev/null | tr '\n' ' ')"
}

# ---- peers' state: podman loads the docker-archive, docker gets a private dockerd (its start untimed) ----
"${PODMAN[@]}" load --quiet -i "$WORK/busybox-image.tar" > "$WORK/podman-load.log" 2>&1 ||
  say "podman load failed: $(tail -n 3 "$WORK/podman-load.log" | tr '\n' ' ')"
if start_dockerd "$WORK/docker"; then
  "${DOCKER[@]}" load --quiet -i "$WORK/busybox-image.tar" > "$WORK/docker-load.log" 2>&1 ||
    say "docker load failed: $(tail -n 3 "$WORK/docker-load.log" | tr '\n' ' ')"
fi

# ---- one untimed warm-up run each; a tool that fails it is left out ----
ACTIVE=()
for tool in "${TOOLS[@]}"; do
  if measure "$tool" warmup 2> /dev/null; then
    ACTIVE+=("$tool")
  else
    failed "$tool"; FAILS[$tool]=$ROUNDS; say "$tool left out"
  fi
  TIMES[$tool]=""; RSS[$tool]=""
done

for round in $(seq 1 "$ROUNDS"); do
  say "round $round/$ROUNDS"
  # Rotate the order so no tool always runs first or right after the same other one.
  for tool in $(rotated "$round" "${ACTIVE[@]}"); do
    measure "$tool" "$round" || failed "$tool"
  done
done

# ---- the table ----
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
label() {
  case "$1" in
    berth) echo "berth" ;;
    berth_debian) echo "berth debian" ;;
    podman) echo "podman (crun)" ;;
    docker) echo "docker (runc)" ;;
    node) echo "node -e 0" ;;
    exec_true) echo "/usr/bin/time true" ;;
    unshare_umount) echo "unshare -m+umount" ;;
    node_extra_ca) echo "node -e 0 +CA" ;;
    *) echo "$1" ;;
  esac
}
echo
echo "container start-up, \`run --rm --network none IMAGE true\`, $ROUNDS rounds: median (min-max) of successful rounds"
echo "busybox: ${BUSYBOX_SIZE} MB rootfs, 1 layer; debian: ${DEBIAN_SIZE} MB, 3 layers; host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
$HYBRID && echo "hybrid cgroups: crun and podman timed inside \`unshare -m\` with /sys/fs/cgroup/unified unmounted (wrapper: last row)"
printf '%-20s %9s %9s %9s %7s %10s %12s\n' tool median_ms min_ms max_ms ok vs_podman peak_rss_MB
read -r podman_median _ <<< "$(summarize "${TIMES[podman]}")"
for tool in "${TOOLS[@]}"; do
  read -r med min max <<< "$(summarize "${TIMES[$tool]}")"
  if [[ -z "$med" ]]; then
    printf '%-20s %9s %9s %9s %7s %10s %12s\n' "$(label "$tool")" - - - "0/$ROUNDS" - -
    continue
  fi
  read -r rss _ <<< "$(summarize "${RSS[$tool]}")"
  printf '%-20s %9s %9s %9s %7s %10s %12s\n' "$(label "$tool")" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")" \
    "$(( ROUNDS - FAILS[$tool] ))/$ROUNDS" "$(ratio "$med" "$podman_median")" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
done
[[ -n "$EXTRA_CA" ]] && echo "all rows ran without NODE_EXTRA_CA_CERTS ($EXTRA_CA), except \`node -e 0 +CA\`"
echo "issue 3's figures on an idle machine of this kind: crun 8.5, runc 22, podman 121-156, docker 210, node 59 ms"
echo "peak_rss: median of /usr/bin/time %M (largest of the CLI process and the processes it waited for)"

# ---- leave nothing behind, and check ----
BERTH_LEFT="$("$REPO/bin/berth" --root "$BERTH_ROOT" ps -aq 2>/dev/null)"
cleanup
trap - EXIT
leftovers=()
[[ -z "$BERTH_LEFT" ]] || leftovers+=("berth containers: $BERTH_LEFT")
grep -F "$WORK" /proc/self/mountinfo > /dev/null && leftovers+=("mounts under $WORK")
# Other users' containers may come and go meanwhile: a leak of ours is empty (no tasks) and stays.
new_cgroups="$(comm -13 <(echo "$BERTH_CGROUPS_BEFORE") <(berth_cgroups))"
[[ -n "$new_cgroups" ]] && sleep 2
for id in $new_cgroups; do
  procs="$(cat "$BERTH_CGROUP_DIR/$id/cgroup.procs" 2>/dev/null)" || continue # gone meanwhile
  [[ -z "$procs" ]] &&
    leftovers+=("empty berth cgroup $BERTH_CGROUP_DIR/$id (ours, or another user's being removed)")
done
for root in "${CGROUP_ROOTS[@]}"; do
  for path in "$root$ID"-*; do [[ -e $path ]] && leftovers+=("cgroup $path"); done
done
for path in "${HOST_PATHS[@]}"; do [[ -z ${EXISTED[$path]:-} && -e $path ]] && leftovers+=("$path"); done
[[ -n "$DOCKERD_PID" ]] && kill -0 "$DOCKERD_PID" 2>/dev/null && leftovers+=("dockerd pid $DOCKERD_PID")
pgrep -f "$WORK" > /dev/null && leftovers+=("processes: $(pgrep -f "$WORK" | tr '\n' ' ')")
if [[ ${#leftovers[@]} -eq 0 ]]; then
  echo "cleanup: no containers, mounts, cgroups, daemons or state dirs left"
else
  printf 'cleanup: left behind: %s\n' "${leftovers[@]}"
  exit 1
fi
