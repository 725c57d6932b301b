import {
  ACCEPT_MANIFESTS,
  formatPlatform,
  hostPlatform,
  parseManifestDocument,
  parsePlatform,
  selectPlatform,
} from '../../../src/image/manifest';
import { MediaType } from '../../../src/image/media-types';
import { Descriptor, ImageIndex } from '../../../src/image/oci-types';
import { InvalidContentError, NotFoundError, UsageError } from '../../../src/errors';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const config = { mediaType: MediaType.OciConfig, digest: d(1), size: 10 };
const layer = { mediaType: MediaType.OciLayerGzip, digest: d(2), size: 20 };
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

function entry(n: number, platform: Descriptor['platform'], extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: MediaType.OciManifest, digest: d(n), size: 100, platform, ...extra };
}

describe('parseManifestDocument', () => {
  test('a manifest by header type', () => {
    const doc = parseManifestDocument(json({ schemaVersion: 2, config, layers: [layer] }), MediaType.DockerManifest);
    expect(doc.kind).toBe('manifest');
    if (doc.kind === 'manifest') expect(doc.manifest.layers).toHaveLength(1);
  });

  test('an index by the body mediaType when the header is generic', () => {
    const body = json({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [entry(3, { os: 'linux', architecture: 'amd64' })] });
    expect(parseManifestDocument(body, 'application/json; charset=utf-8').kind).toBe('index');
  });

  test('by shape when neither says', () => {
    expect(parseManifestDocument(json({ schemaVersion: 2, manifests: [] }), '').kind).toBe('index');
    expect(parseManifestDocument(json({ schemaVersion: 2, config, layers: [] }), '').kind).toBe('manifest');
  });

  test('both manifests and layers is rejected', () => {
    const body = json({ schemaVersion: 2, config, layers: [], manifests: [] });
    expect(() => parseManifestDocument(body, MediaType.OciManifest)).toThrow(InvalidContentError);
    expect(() => parseManifestDocument(body, MediaType.OciManifest)).toThrow(/both `manifests` and `layers`/);
  });

  test('schema 1 and unknown schema versions are rejected clearly', () => {
    expect(() => parseManifestDocument(json({ schemaVersion: 1, fsLayers: [] }), 'application/json')).toThrow(/schema 1 is not supported/);
    expect(() => parseManifestDocument(Buffer.from('{}'), 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toThrow(
      /schema 1 is not supported/,
    );
    expect(() => parseManifestDocument(json({ schemaVersion: 3, config, layers: [] }), '')).toThrow(/unsupported schemaVersion `3`/);
  });

  test('a header and body that disagree, bad JSON, bad descriptors and unknown types are rejected', () => {
    const body = json({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] });
    expect(() => parseManifestDocument(body, MediaType.OciManifest)).toThrow(/does not match/);
    expect(() => parseManifestDocument(Buffer.from('{not json'), '')).toThrow(/invalid JSON/);
    expect(() => parseManifestDocument(json([1]), '')).toThrow(/not a JSON object/);
    expect(() => parseManifestDocument(json({ schemaVersion: 2, config: { ...config, digest: 'nope' }, layers: [] }), '')).toThrow(/invalid digest/);
    expect(() => parseManifestDocument(json({ schemaVersion: 2, config, layers: [{ ...layer, size: -1 }] }), '')).toThrow(/layers\[0\]/);
    expect(() => parseManifestDocument(json({ schemaVersion: 2, config }), MediaType.OciManifest)).toThrow(/missing `layers`/);
    expect(() => parseManifestDocument(json({ schemaVersion: 2, mediaType: 'application/x-other' }), '')).toThrow(/unsupported media type/);
  });

  test('ACCEPT_MANIFESTS lists OCI and Docker manifests and indexes', () => {
    expect([...ACCEPT_MANIFESTS].sort()).toEqual(
      [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifest, MediaType.DockerManifestList].sort(),
    );
  });
});

describe('platforms', () => {
  test('parsePlatform normalises names and fills default variants', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/arm64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(parsePlatform('Linux/ARM/6')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v6' });
    expect(parsePlatform('linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux').architecture).toBe(hostPlatform().architecture);
    expect(() => parsePlatform('linux//')).toThrow(UsageError);
    expect(() => parsePlatform('a/b/c/d')).toThrow(UsageError);
  });

  test('hostPlatform is linux with an OCI architecture name', () => {
    const host = hostPlatform();
    expect(host.os).toBe('linux');
    expect(host.architecture).not.toBe('x64');
    expect(formatPlatform(host)).toMatch(/^linux\/[a-z0-9]+(\/v\d)?$/);
  });

  const index: ImageIndex = {
    schemaVersion: 2,
    manifests: [
      entry(4, { os: 'unknown', architecture: 'unknown' }),
      entry(5, { os: 'linux', architecture: 'arm', variant: 'v6' }),
      entry(6, { os: 'linux', architecture: 'amd64' }),
      entry(7, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      entry(8, { os: 'linux', architecture: 'arm', variant: 'v7' }),
      entry(9, { os: 'linux', architecture: 'amd64' }, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
      entry(10, { os: 'windows', architecture: 'amd64' }),
    ],
  };

  test('selectPlatform picks the exact match, with default variants', () => {
    expect(selectPlatform(index, parsePlatform('linux/amd64')).digest).toBe(d(6));
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm64' }).digest).toBe(d(7));
    expect(selectPlatform(index, parsePlatform('linux/arm')).digest).toBe(d(8));
    expect(selectPlatform(index, parsePlatform('linux/arm/v6')).digest).toBe(d(5));
    expect(selectPlatform(index, parsePlatform('windows/amd64')).digest).toBe(d(10));
  });

  test('an arm64 entry without a variant matches v8; arm v7 runs a v6 image when no v7 exists', () => {
    const noVariant: ImageIndex = { schemaVersion: 2, manifests: [entry(1, { os: 'linux', architecture: 'arm64' })] };
    expect(selectPlatform(noVariant, parsePlatform('linux/arm64/v8')).digest).toBe(d(1));
    const onlyV6: ImageIndex = { schemaVersion: 2, manifests: [entry(2, { os: 'linux', architecture: 'arm', variant: 'v6' })] };
    expect(selectPlatform(onlyV6, parsePlatform('linux/arm/v7')).digest).toBe(d(2));
    expect(() => selectPlatform(onlyV6, parsePlatform('linux/arm/v5'))).toThrow(NotFoundError);
  });

  test('attestations and unknown platforms are never chosen; no match is Docker\'s message', () => {
    const onlyAttestation: ImageIndex = { schemaVersion: 2, manifests: [index.manifests[0], index.manifests[5]] };
    const err = (() => {
      try {
        selectPlatform(onlyAttestation, parsePlatform('linux/amd64'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('no matching manifest for linux/amd64 in the manifest list entries');
    expect(() => selectPlatform(index, parsePlatform('linux/s390x'))).toThrow(
      'no matching manifest for linux/s390x in the manifest list entries',
    );
  });
});
