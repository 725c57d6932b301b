#!/usr/bin/env bash
# Usage: runtime-under-test.sh [--no-stand-in]
# The one rule for which OCI runtime the oci-interop tests and bench/oci.sh,
# bench/conformance.sh exercise as "berth-runtime". Prints one line,
#   NAME<TAB>PATH<TAB>NOTE
# where NOTE is empty for berth-runtime itself and says why otherwise.
#   1. $BERTH_OCI_RUNTIME, when set (it must be an executable file);
#   2. bin/berth-runtime of this checkout, once it is built;
#   3. else runc, as a stand-in (NOTE says so), unless --no-stand-in, which
#      prints nothing and exits 1.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
default="$repo/bin/berth-runtime"

if [[ -n "${BERTH_OCI_RUNTIME:-}" ]]; then
  if [[ ! -f "$BERTH_OCI_RUNTIME" || ! -x "$BERTH_OCI_RUNTIME" ]]; then
    echo "runtime-under-test: BERTH_OCI_RUNTIME=\`$BERTH_OCI_RUNTIME\` is not an executable file" >&2
    exit 2
  fi
  printf '%s\t%s\t%s\n' "$(basename "$BERTH_OCI_RUNTIME")" "$(realpath "$BERTH_OCI_RUNTIME")" ""
elif [[ -f "$default" && -x "$default" ]]; then
  printf '%s\t%s\t%s\n' berth-runtime "$default" ""
elif [[ "${1:-}" == --no-stand-in ]]; then
  exit 1
else
  runc="$(command -v runc || echo /usr/sbin/runc)"
  [[ -x "$runc" ]] || { echo "runtime-under-test: no bin/berth-runtime and no runc to stand in for it" >&2; exit 2; }
  printf '%s\t%s\t%s\n' runc "$runc" "stand-in: bin/berth-runtime is not built yet"
fi
