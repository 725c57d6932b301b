#!/usr/bin/env bash
# Times berth's layer unpacker against `tar -xzf` and `gzip -dc` on the same
# gzip layer (default: a tar -czf of part of /usr, ~9k entries), each into a
# fresh directory. Run as root (the unpacker lchowns and mknods).
#   [BENCH_DIR=/dev/shm] bench/unpack-layer.sh [LAYER.tar.gz] [RUNS]   (BENCH_DIR: where to unpack; default /var/tmp)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/berth-bench-unpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
layer=${1:-}
runs=${2:-3}
if [[ -z $layer ]]; then
  layer=$work/layer.tar.gz
  tar -czf "$layer" -C / usr/sbin usr/share/doc usr/lib/python3.11 usr/share/zoneinfo usr/share/perl5 usr/include/linux 2>/dev/null || true
fi
# Compile only the unpacker (and what it imports) so the bench does not depend on the rest of the tree building.
"$repo/node_modules/.bin/tsc" --outDir "$work/dist" --rootDir "$repo/src" --module commonjs --target es2022 --strict \
  --esModuleInterop --skipLibCheck --types node --typeRoots "$repo/node_modules/@types" "$repo/src/storage/unpack-layer.ts"
ln -s "$repo/node_modules" "$work/node_modules"
cat >"$work/run.js" <<JS
const fs = require('fs');
const { unpackLayer } = require('$work/dist/storage/unpack-layer');
const [file, target] = process.argv.slice(2);
unpackLayer(fs.createReadStream(file), target, { lowerDirs: [] }).then(
  (r) => fs.writeFileSync(target + '.result', r.diffId + ' ' + r.size + '\n'),
  (e) => { console.error(e); process.exit(1); });
JS
printf 'layer: %s (%s bytes compressed, %s entries)\n' "$layer" "$(stat -c %s "$layer")" "$(tar -tzf "$layer" | wc -l)"
seconds() { local start=$EPOCHREALTIME; "$@"; echo "scale=2; ($EPOCHREALTIME - $start)/1" | bc; }
for run in $(seq "$runs"); do
  rm -rf "$work/a" "$work/b"; mkdir "$work/a" "$work/b"; sync
  b=$(seconds node "$work/run.js" "$layer" "$work/a")
  t=$(seconds tar -xzf "$layer" -C "$work/b")
  g=$(seconds sh -c "gzip -dc '$layer' >/dev/null")
  printf 'run %d: berth unpackLayer %6ss   tar -xzf %6ss   gzip -dc >/dev/null %6ss   (load %s)\n' "$run" "$b" "$t" "$g" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "berth diffID and content size: $(cat "$work/a.result")"
echo "sha256 of the uncompressed tar:  $(gzip -dc "$layer" | sha256sum | cut -d' ' -f1)"
