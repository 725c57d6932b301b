# Helpers shared by the bench/ scripts (source it; it sets no shell options).
#   say MSG...                  progress line on stderr
#   now_ms / now_us             wall clock (now_us forks nothing: $EPOCHREALTIME)
#   unmount_under DIR           lazily unmount every mount at or below DIR, deepest first
#   stop_pid PID                TERM, wait up to 20 s, then KILL
#   start_dockerd DIR [ARG...]  private dockerd with its state in DIR, sets DOCKERD_PID, waits for the API
#   summarize "N N ..."         prints "median min max" (median of an even count: mean of the middle two)
#   ratio A B                   prints A/B as "1.23x", or "-" when B is empty or zero
#   rotated ROUND ITEM...       prints the items rotated left by ROUND-1, one per line
#   hides_cgroup2 NAME          true when runtime NAME runs with the cgroup2 mount hidden (below)
#   as_runtime_needs NAME CMD...  runs CMD, in a private mount namespace without
#                               /sys/fs/cgroup/unified when hides_cgroup2 NAME
DOCKER_CLI="/usr/local/bin/docker"
[[ -x "$DOCKER_CLI" ]] || DOCKER_CLI="$(command -v docker || true)"
DOCKERD_PID=""

say() { echo "bench: $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
now_us() { local t="$EPOCHREALTIME"; echo "${t/./}"; }

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

# Runs in the caller's shell (not in $(...)) so DOCKERD_PID reaches the caller's cleanup.
start_dockerd() {
  local dir="$1" i
  shift
  command -v dockerd >/dev/null || { say "docker failed: dockerd is not installed"; return 1; }
  [[ -n "$DOCKER_CLI" ]] || { say "docker failed: no docker CLI"; return 1; }
  mkdir -p "$dir/data" "$dir/exec"
  dockerd --data-root "$dir/data" --exec-root "$dir/exec" --host "unix://$dir/docker.sock" \
    --pidfile "$dir/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
    --exec-opt native.cgroupdriver=cgroupfs "$@" > "$dir/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for i in $(seq 1 150); do
    "$DOCKER_CLI" -H "unix://$dir/docker.sock" version > /dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.2
  done
  say "docker failed: dockerd did not start: $(tail -n 5 "$dir/dockerd.log" | tr '\n' ' ')"
  return 1
}

summarize() {
  tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit
    med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print med, v[1], v[NR] }'
}

ratio() {
  [[ -n "$2" ]] || { echo -; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx\n", a / b; else print "-" }'
}

rotated() {
  local round="$1"
  shift
  local items=("$@") k=$(( (round - 1) % $# ))
  printf '%s\n' "${items[@]:k}" "${items[@]:0:k}"
}

# crun 1.8.1 refuses every container on a hybrid host whose cgroup2 mount has
# a controller (here hugetlb, which no v1 hierarchy holds): "cgroups in hybrid
# mode not supported, drop all controllers from cgroupv2". Runtimes named in
# OCI_HIDE_CGROUP2 (default: crun) run in a private mount namespace where that
# mount is gone, so they see plain cgroup v1; nothing changes for the host.
OCI_HIDE_CGROUP2="${OCI_HIDE_CGROUP2-crun}"

hides_cgroup2() {
  [[ " $OCI_HIDE_CGROUP2 " == *" $1 "* ]] && grep -q ' /sys/fs/cgroup/unified .* cgroup2 ' /proc/self/mountinfo
}

as_runtime_needs() {
  local name="$1"
  shift
  if hides_cgroup2 "$name"; then
    unshare --mount --propagation private bash -c 'umount /sys/fs/cgroup/unified && exec "$@"' _ "$@"
  else
    "$@"
  fi
}
