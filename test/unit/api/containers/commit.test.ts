import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../../../src/config/layout';
import { Store } from '../../../../src/image/store/store';
import { storeUpperLayer, commitManifest } from '../../../../src/api/containers/commit';
import { uncompressedDigest } from '../../../../src/api/images/layer-blobs';
import type { CgroupManager } from '../../../../src/cgroups/manager';
import type { ContainerState } from '../../../../src/runtime/state';
import { MediaType } from '../../../../src/image/media-types';
import { tempDir } from '../../helpers/tmp';

/** Records freeze/thaw and what the writable layer held at each call: commit's ordering, without a kernel. */
function recordingCgroup(upper: string, calls: string[]): CgroupManager {
  return {
    freeze: () => calls.push(`freeze ${fs.readdirSync(upper).join(',')}`),
    thaw: () => calls.push('thaw'),
  } as unknown as CgroupManager;
}

describe('storeUpperLayer', () => {
  let dir: string;
  let store: Store;
  let bundle: string;
  let state: ContainerState;

  beforeEach(() => {
    dir = tempDir();
    store = new Store(new DataRoot(path.join(dir, 'root')));
    bundle = path.join(dir, 'bundle');
    fs.mkdirSync(path.join(bundle, 'upper'), { recursive: true });
    fs.writeFileSync(path.join(bundle, 'upper', 'a'), 'a');
    state = { bundle } as ContainerState;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('freezes the container before reading its layer and thaws it after the blob is stored', async () => {
    const calls: string[] = [];
    const blob = await storeUpperLayer(store, { state, spec: undefined, lowerDirs: [], cgroup: recordingCgroup(path.join(bundle, 'upper'), calls) }, true);
    expect(calls).toEqual(['freeze a', 'thaw']);
    expect(store.blobs.has(blob.digest)).toBe(true);
    expect(await uncompressedDigest(store, blob.digest)).toBe(blob.diffId);
    expect(blob.mediaType).toBe(MediaType.DockerLayerGzip);
  });

  test('pause=false leaves the container running', async () => {
    const calls: string[] = [];
    await storeUpperLayer(store, { state, spec: undefined, lowerDirs: [], cgroup: recordingCgroup(path.join(bundle, 'upper'), calls) }, false);
    expect(calls).toEqual([]);
  });

  test('thaws even when reading the layer fails', async () => {
    const calls: string[] = [];
    const upper = path.join(bundle, 'upper');
    const cgroup = recordingCgroup(upper, calls);
    // The layer vanishes once frozen: reading it fails, and the container must not stay frozen.
    const failing = { ...cgroup, freeze: () => (cgroup.freeze(), fs.rmSync(upper, { recursive: true })) } as CgroupManager;
    await expect(storeUpperLayer(store, { state, spec: undefined, lowerDirs: [], cgroup: failing }, true)).rejects.toThrow();
    expect(calls).toEqual(['freeze a', 'thaw']);
  });
});

describe('commitManifest', () => {
  const layer = (mediaType: string, n: number) => ({ mediaType, digest: `sha256:${String(n).repeat(64)}`, size: n, diffId: `sha256:${'d'.repeat(64)}`, chainId: `sha256:${'c'.repeat(64)}` });

  test('gzip layers (Docker or OCI) give a Docker schema 2 manifest', () => {
    const { manifest, mediaType } = commitManifest(Buffer.from('{}'), [layer(MediaType.OciLayerGzip, 1), layer(MediaType.DockerLayerGzip, 2)]);
    expect(mediaType).toBe(MediaType.DockerManifest);
    expect(manifest.config.mediaType).toBe(MediaType.DockerConfig);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.DockerLayerGzip, MediaType.DockerLayerGzip]);
  });

  test('a zstd base layer gives an OCI manifest that can name it', () => {
    const { manifest, mediaType } = commitManifest(Buffer.from('{}'), [layer(MediaType.OciLayerZstd, 1), layer(MediaType.DockerLayerGzip, 2)]);
    expect(mediaType).toBe(MediaType.OciManifest);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.OciLayerZstd, MediaType.OciLayerGzip]);
  });
});
