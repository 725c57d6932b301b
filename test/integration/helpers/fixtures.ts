// Fixture images (built by rootfs-cache/build.sh, cached outside the checkout)
// and the ways tests put them into, or break them in, a test registry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestRegistry } from './registry';

export { berth, berthAsync, withTempRoot, BERTH_BIN, type BerthResult, type BerthOptions } from './berth';

export type FixtureName = 'busybox' | 'debian' | 'webserver' | 'whalesay' | 'multiarch' | 'pause';

/** The tag every fixture layout carries. */
export const FIXTURE_TAG = 'latest';

const BUILD_SCRIPT = path.resolve(__dirname, '../../../rootfs-cache/build.sh');
const layouts = new Map<FixtureName, string>();
const execFileAsync = promisify(execFile);

/** OCI layout directory of a fixture image, building it on first use (once per process). */
export function fixtureLayout(name: FixtureName): string {
  const known = layouts.get(name);
  if (known) return known;
  const result = spawnSync('bash', [BUILD_SCRIPT, name], { encoding: 'utf8', timeout: 20 * 60_000 });
  const layout = result.stdout?.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !layout || !fs.existsSync(path.join(layout, 'index.json'))) {
    throw new Error(`build fixture \`${name}\`: rootfs-cache/build.sh failed (${result.error?.message ?? `status ${result.status}`}): ${result.stderr}`);
  }
  layouts.set(name, layout);
  return layout;
}

/**
 * Pushes a fixture with skopeo to `registry.host/target` (e.g. `busybox:latest`,
 * `library/busybox:1`), with the registry's credentials when it has some.
 * The multiarch fixture is pushed whole (index and both images).
 */
export async function pushFixture(name: FixtureName, registry: TestRegistry, target: string): Promise<void> {
  const args = ['copy', '--insecure-policy', '--quiet', '--dest-tls-verify=false'];
  if (registry.username !== undefined) args.push('--dest-creds', `${registry.username}:${registry.password ?? ''}`);
  if (name === 'multiarch') args.push('--all');
  args.push(`oci:${fixtureLayout(name)}:${FIXTURE_TAG}`, `docker://${registry.host}/${target}`);
  try {
    await execFileAsync('skopeo', args, { timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`push fixture \`${name}\` to \`${registry.host}/${target}\`: ${stderr.trim() || String(err)}`);
  }
}

/** Path of a blob's data in the registry's filesystem storage. */
export function registryBlobPath(registry: TestRegistry, digest: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!match) throw new Error(`locate blob \`${digest}\`: not a sha256 digest`);
  const hex = match[1];
  return path.join(registry.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
}

/** Flips one byte in the middle of a stored blob: same size, wrong content for its digest. */
export function corruptBlob(registry: TestRegistry, digest: string): void {
  const file = registryBlobPath(registry, digest);
  const fd = fs.openSync(file, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new Error(`corrupt blob \`${digest}\`: it is empty`);
    const at = Math.floor(size / 2);
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, at);
    byte[0] ^= 0xff;
    fs.writeSync(fd, byte, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
}
