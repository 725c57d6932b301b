#!/usr/bin/env bash
# Usage: bench/conformance.sh [RUNTIME...]     (default: berth-runtime when built, runc, crun)
# Runs the opencontainers runtime-tools validation suite (its validation/*/*.t
# programs, each printing TAP) against each runtime in one run and prints the
# failing assertions side by side. linux_seccomp and the uid/gid-mapping test
# are counted in a column of their own (they are not part of berth's target).
#
# The suite is not part of this repository. Build it once from its public
# source (commit 260e151 builds with Debian's Go 1.19: `make runtimetest
# validation-executables` in a checkout) and point RUNTIME_TOOLS_DIR at the
# checkout (default /var/cache/berth/runtime-tools). Without it this script
# says so and exits 0.
#
# Each runtime runs with its own state dir (a wrapper adds `--root`) and its
# own TMPDIR, one test at a time; crun without the cgroup2 mount (see
# as_runtime_needs in bench/lib.sh; OCI_HIDE_CGROUP2= runs it as it is).
# The TAP of every test is kept in ${CONFORMANCE_OUT:-.cache/conformance}/
# RUNTIME/TEST.tap, and the failing assertions in .../RUNTIME/failures.txt
# (`TEST: assertion` per line).
set -uo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SUITE="${RUNTIME_TOOLS_DIR:-/var/cache/berth/runtime-tools}"
OUT="$(realpath -m "${CONFORMANCE_OUT:-.cache/conformance}")"
EXCLUDED=(linux_seccomp linux_uid_mappings)
TEST_TIMEOUT=300

if [[ ! -x "$SUITE/runtimetest" || ! -d "$SUITE/validation" ]]; then
  say "conformance skipped: no built runtime-tools suite at \`$SUITE\` (set RUNTIME_TOOLS_DIR; see the header of this script)"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || { say "conformance: needs root"; exit 1; }

runtimes=("$@")
if [[ ${#runtimes[@]} -eq 0 ]]; then
  if berth="$(bash test/integration/oci-interop/runtime-under-test.sh --no-stand-in)"; then
    runtimes+=("$(cut -f2 <<< "$berth")")
  else
    say "berth-runtime is not built: runc and crun only"
  fi
  for peer in runc crun; do
    path="$(command -v "$peer")" || continue
    [[ " ${runtimes[*]} " == *" $path "* ]] || runtimes+=("$path")
  done
fi

mapfile -t TESTS < <(cd "$SUITE" && find validation -mindepth 2 -maxdepth 2 -name '*.t' -type f | sort)
is_excluded() { local t="$1" e; for e in "${EXCLUDED[@]}"; do [[ "$t" == "$e" ]] && return 0; done; return 1; }

# run_suite NAME BINARY: writes $OUT/NAME/*.tap and failures.txt, prints "counted excluded crashed passed".
run_suite() {
  local name="$1" binary="$2" dir="$OUT/$1" scratch wrapper t test tap status
  rm -rf "$dir" && mkdir -p "$dir"
  scratch="$(mktemp -d /tmp/berth-conformance-XXXXXX)"
  # 0755, like /tmp: a test whose container runs in a user namespace must reach its bundle.
  chmod 0755 "$scratch"
  mkdir -p -m 0755 "$scratch/state" "$scratch/tmp"
  wrapper="$scratch/$name"
  printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$binary" "$scratch/state" > "$wrapper"
  chmod 0755 "$wrapper"
  : > "$dir/failures.txt"
  local counted=0 excluded=0 crashed=0 passed=0 fails
  for t in "${TESTS[@]}"; do
    test="$(basename "$t" .t)"
    tap="$dir/$test.tap"
    (cd "$SUITE" && RUNTIME="$wrapper" TMPDIR="$scratch/tmp" as_runtime_needs "$name" timeout "$TEST_TIMEOUT" "./$t" > "$tap" 2> "$dir/$test.stderr")
    status=$?
    fails="$(grep -cE '^not ok' "$tap" | tr -d ' ')"
    passed=$((passed + $(grep -cE '^ok' "$tap")))
    grep -E '^not ok' "$tap" | sed -E "s/^not ok [0-9]+ - /$test: /" >> "$dir/failures.txt"
    # A program that dies without a plan line failed as a whole: one failure.
    if [[ $status -ne 0 ]] && ! grep -qE '^1\.\.[0-9]+' "$tap"; then
      fails=$((fails + 1)); crashed=$((crashed + 1))
      echo "$test: (exited $status without finishing its TAP: $(tail -n 1 "$dir/$test.stderr"))" >> "$dir/failures.txt"
    fi
    if is_excluded "$test"; then excluded=$((excluded + fails)); else counted=$((counted + fails)); fi
  done
  # Whatever a failed test left behind.
  "$wrapper" list -q 2> /dev/null | while read -r id; do as_runtime_needs "$name" "$wrapper" delete --force "$id" > /dev/null 2>&1; done
  unmount_under "$scratch"
  rm -rf "$scratch"
  echo "$counted $excluded $crashed $passed"
}

declare -A RESULT
for binary in "${runtimes[@]}"; do
  name="$(basename "$binary")"
  say "$name ($("$binary" --version 2> /dev/null | head -n 1)): ${#TESTS[@]} validation programs"
  RESULT[$name]="$(run_suite "$name" "$binary")"
done

printf '\n%-16s %10s %22s %10s %8s\n' runtime failing "seccomp+uid-mapping" crashed passed
for binary in "${runtimes[@]}"; do
  name="$(basename "$binary")"
  read -r counted excluded crashed passed <<< "${RESULT[$name]}"
  label="$name"; hides_cgroup2 "$name" && label="$name*"
  printf '%-16s %10s %22s %10s %8s\n' "$label" "$counted" "$excluded" "$crashed" "$passed"
done
echo
echo "failing = 'not ok' assertions (plus 1 per program that died mid-way), not counting ${EXCLUDED[*]}"
for binary in "${runtimes[@]}"; do
  hides_cgroup2 "$(basename "$binary")" && echo "$(basename "$binary")*: run without the cgroup2 mount (OCI_HIDE_CGROUP2; see bench/lib.sh)"
done
echo "lists: $OUT/RUNTIME/failures.txt"
