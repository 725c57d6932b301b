#!/usr/bin/env bash
# Usage: bench/oci.sh [RUNS]     (default 30 timed runs per figure, after 3 warm-ups)
# The OCI runtimes side by side on one bundle (the busybox fixture's root
# filesystem and `runc spec`'s config.json with args ["true"], no terminal),
# timed by hyperfine, one runtime after another:
#   cycle   create && start && (wait for the container to exit) && delete
#   state   `state` of a created container
#   kill    `kill ID KILL` of a freshly created container (hyperfine's
#           --prepare creates it, untimed)
# for runc, crun and berth-runtime (when test/integration/oci-interop/
# runtime-under-test.sh finds it built, or BERTH_OCI_RUNTIME names it).
# A runtime that cannot run the bundle on this machine gets its error instead
# of figures; crun runs without the cgroup2 mount (as_runtime_needs in bench/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

# berth-runtime may start Node: with NODE_EXTRA_CA_CERTS set (as on the
# development machines, not on users') every Node start-up first parses that
# certificate bundle, 50-140 ms that no user pays and no peer pays here.
unset NODE_EXTRA_CA_CERTS

RUNS="${1:-30}"
command -v hyperfine > /dev/null || { say "oci: hyperfine is not installed (bench/install-peers.sh installs it)"; exit 1; }
[[ "$(id -u)" == 0 ]] || { say "oci: needs root"; exit 1; }

runtimes=()
for peer in runc crun; do command -v "$peer" > /dev/null && runtimes+=("$(command -v "$peer")"); done
if berth="$(bash test/integration/oci-interop/runtime-under-test.sh --no-stand-in)"; then
  path="$(cut -f2 <<< "$berth")"
  [[ " ${runtimes[*]} " == *" $path "* ]] || runtimes+=("$path")
else
  say "berth-runtime is not built (bin/berth-runtime, or BERTH_OCI_RUNTIME): peers only"
fi

WORK="$(mktemp -d /tmp/berth-bench-oci-XXXXXX)"
cleanup() {
  local r
  for r in "${runtimes[@]}"; do
    "$r" --root "$WORK/state-$(basename "$r")" list -q 2> /dev/null | while read -r id; do
      as_runtime_needs "$(basename "$r")" "$r" --root "$WORK/state-$(basename "$r")" delete --force "$id" > /dev/null 2>&1 || true
    done
  done
  unmount_under "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT

# The bundle: the fixture's layers in order, and runc's default spec with `true`.
layout="$(bash rootfs-cache/build.sh busybox | tail -n 1)"
bundle="$WORK/bundle"
mkdir -p "$bundle/rootfs"
manifest="$(jq -r '.manifests[0].digest' "$layout/index.json")"
for layer in $(jq -r '.layers[].digest' "$layout/blobs/${manifest/://}"); do
  tar -xzf "$layout/blobs/${layer/://}" -C "$bundle/rootfs"
done
runc spec --bundle "$bundle"
jq '.process.args = ["true"] | .process.terminal = false' "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

# Sourced by every shell hyperfine starts (BASH_ENV), so the timed command
# lines stay one line. wait_exit PIDFILE: spins on /proc/PID/stat with shell
# builtins until the container's init is a zombie or gone (the state every
# runtime reports as `stopped`); no fork, no sleep granularity.
cat > "$WORK/wait-exit.bash" <<'EOF'
wait_exit() {
  local pid stat i
  read -r pid < "$1"
  for ((i = 0; i < 5000000; i++)); do
    { read -r stat < "/proc/$pid/stat"; } 2> /dev/null || return 0
    stat="${stat##*) }"
    [[ "${stat:0:1}" == Z || "${stat:0:1}" == X ]] && return 0
  done
  echo "wait_exit: pid $pid still running" >&2
  return 1
}
EOF
export BASH_ENV="$WORK/wait-exit.bash"

# timed NAME JSON HYPERFINE-ARGS...: one hyperfine benchmark of runtime NAME.
# A single command runs without a shell (-N): hyperfine cannot subtract a
# shell's start-up precisely enough for commands of a few ms.
timed() {
  local name="$1" json="$2"
  shift 2
  as_runtime_needs "$name" hyperfine --warmup 3 --runs "$RUNS" --style none --export-json "$json" "$@" > /dev/null
}
# "MEAN ± STDDEV (MEDIAN)" in ms, one decimal.
ms() { jq -r '.results[0] | [.mean, .stddev, .median] | map(. * 10000 | round / 10) | "\(.[0]) ± \(.[1]) (\(.[2]))"' "$1"; }

declare -A CYCLE STATE KILL
for r in "${runtimes[@]}"; do
  name="$(basename "$r")"
  root="$WORK/state-$name"
  mkdir -p "$root"
  cycle="$r --root $root create --bundle $bundle --pid-file $WORK/$name.pid c\$\$ && $r --root $root start c\$\$ && wait_exit $WORK/$name.pid && $r --root $root delete c\$\$"
  # One untimed cycle first: a runtime that fails here gets its error in the table.
  if ! err="$(as_runtime_needs "$name" bash -c "$cycle" 2>&1)"; then
    CYCLE[$name]="fails: $(tr '\n' ' ' <<< "$err" | cut -c1-100)"; STATE[$name]=-; KILL[$name]=-
    say "$name cannot run the bundle here: $err"
    continue
  fi
  say "$name: cycle, state, kill ($RUNS runs each)"
  timed "$name" "$WORK/$name-cycle.json" --shell bash "$cycle"
  as_runtime_needs "$name" "$r" --root "$root" create --bundle "$bundle" --pid-file "$WORK/$name-s.pid" s > /dev/null
  timed "$name" "$WORK/$name-state.json" -N "$r --root $root state s"
  as_runtime_needs "$name" "$r" --root "$root" delete --force s
  timed "$name" "$WORK/$name-kill.json" -N \
    --prepare "bash -c '$r --root $root delete --force k > /dev/null 2>&1; $r --root $root create --bundle $bundle --pid-file $WORK/$name-k.pid k'" \
    "$r --root $root kill k KILL"
  as_runtime_needs "$name" "$r" --root "$root" delete --force k
  CYCLE[$name]="$(ms "$WORK/$name-cycle.json")"
  STATE[$name]="$(ms "$WORK/$name-state.json")"
  KILL[$name]="$(ms "$WORK/$name-kill.json")"
done

printf '\n%-16s %-30s %-24s %-24s\n' runtime "create+start+delete (ms)" "state (ms)" "kill (ms)"
for r in "${runtimes[@]}"; do
  name="$(basename "$r")"
  label="$name"; hides_cgroup2 "$name" && label="$name*"
  printf '%-16s %-30s %-24s %-24s\n' "$label" "${CYCLE[$name]}" "${STATE[$name]}" "${KILL[$name]}"
done
echo
echo "mean ± stddev (median) of $RUNS runs, hyperfine after 3 warm-ups (the cycle's bash start-up subtracted); versions:"
for r in "${runtimes[@]}"; do echo "  $(basename "$r"): $("$r" --version 2> /dev/null | head -n 1)"; done
for r in "${runtimes[@]}"; do
  hides_cgroup2 "$(basename "$r")" && echo "$(basename "$r")*: run without the cgroup2 mount (OCI_HIDE_CGROUP2; see bench/lib.sh)"
done
