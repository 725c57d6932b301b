/**
 * load: images from a tarball written by `docker save` (old layout with
 * `<id>/layer.tar`, or Docker 25's with blobs/), `skopeo copy ...
 * docker-archive:` or any OCI image layout archive.
 *
 * When the archive has an OCI index.json, its manifests are used as they
 * are (so manifest digests survive a save/load round trip), with tags from
 * the `io.containerd.image.name` / `org.opencontainers.image.ref.name`
 * annotations and from manifest.json's RepoTags. Otherwise manifest.json is
 * read and each layer tar is stored gzip-compressed under a new Docker
 * schema 2 manifest. Either way every config is checked (image-config.ts)
 * before any blob is stored, and every blob is verified against its digest
 * and every layer against the config's diffIDs before anything is recorded.
 */
import * as fs from 'node:fs';
import { Store } from '../../image/store/store';
import { ImageLayer } from '../../image/store/image-store';
import { ImageConfig, ImageIndex, ImageManifest, Descriptor } from '../../image/oci-types';
import { MediaType, isIndexType } from '../../image/media-types';
import { chainIds, sha256Digest, digestHex } from '../../image/digest';
import { hostPlatform, parseManifestDocument, selectPlatform } from '../../image/manifest';
import { familiarString, formatReference, normalizeReference, parseReference } from '../../image/reference';
import { imageConfigProblem } from '../../image/image-config';
import { ExtractedArchive } from './archive-reader';
import { storeGzipLayer, unpackStoredLayer } from './layer-blobs';
import { recordImage } from './record-image';
import { BerthError } from '../../errors/berth-error';
import { DigestMismatchError, InvalidContentError } from '../../errors/kinds';

export interface LoadedImage {
  id: string;
  /** Familiar tags (`busybox:latest`) now pointing at the image. */
  tags: string[];
  /** Tags that pointed at another image before, with that image's ID. */
  moved: Array<{ tag: string; from: string }>;
}

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** An image found in the archive, before it is stored. */
interface Candidate {
  config: Buffer;
  configDigest: string;
  manifest?: { body: Buffer; mediaType: string; parsed: ImageManifest };
  /** docker-archive layer paths, when there is no manifest to follow. */
  layerPaths?: string[];
  tags: Set<string>;
}

const ACTION = 'load';

function canonicalTag(name: string): string | undefined {
  try {
    const ref = normalizeReference(name);
    return ref.digest ? undefined : formatReference(ref);
  } catch {
    return undefined;
  }
}

/** The tag an index entry's annotations name, when they name a repository. */
function tagFromAnnotations(annotations: Record<string, string> | undefined): string | undefined {
  const full = annotations?.['io.containerd.image.name'];
  if (full) return canonicalTag(full);
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  // A bare tag (`latest`) names no repository: the image loads untagged.
  if (refName && /[/:]/.test(refName)) return canonicalTag(refName);
  return undefined;
}

function verifiedBlob(archive: ExtractedArchive, digest: string): Buffer {
  const data = archive.read(`blobs/sha256/${digestHex(digest)}`);
  const actual = sha256Digest(data);
  if (actual !== digest) throw new DigestMismatchError(`${ACTION}: blob \`${digest}\` in the archive has digest \`${actual}\``);
  return data;
}

function parseConfig(config: Buffer, where: string): ImageConfig {
  let parsed: ImageConfig;
  try {
    parsed = JSON.parse(config.toString('utf8')) as ImageConfig;
  } catch (err) {
    throw new InvalidContentError(`${ACTION}: image config \`${where}\` is not valid JSON`, { cause: err });
  }
  const problem = imageConfigProblem(parsed);
  if (problem) throw new InvalidContentError(`${ACTION}: image config \`${where}\` cannot be used: ${problem}`);
  return parsed;
}

/** RepoTags of manifest.json by config digest (read before any blob leaves the archive). */
function dockerArchiveEntries(archive: ExtractedArchive): Array<{ entry: DockerArchiveEntry; configDigest: string; config: Buffer }> {
  if (!archive.has('manifest.json')) return [];
  const entries = archive.readJson<DockerArchiveEntry[]>('manifest.json');
  if (!Array.isArray(entries)) throw new InvalidContentError(`${ACTION}: manifest.json is not a list`);
  return entries.map((entry, i) => {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers)) {
      throw new InvalidContentError(`${ACTION}: manifest.json entry ${i} lacks Config or Layers`);
    }
    const config = archive.read(entry.Config);
    return { entry, config, configDigest: sha256Digest(config) };
  });
}

function ociCandidates(archive: ExtractedArchive): Candidate[] {
  const index = archive.readJson<ImageIndex>('index.json');
  if (!Array.isArray(index?.manifests)) throw new InvalidContentError(`${ACTION}: index.json has no manifests`);
  const byDigest = new Map<string, Candidate>();
  const visit = (desc: Descriptor, tag: string | undefined) => {
    if (isIndexType(desc.mediaType)) {
      const nested = parseManifestDocument(verifiedBlob(archive, desc.digest), desc.mediaType);
      if (nested.kind !== 'index') throw new InvalidContentError(`${ACTION}: \`${desc.digest}\` is not an index`);
      visit(selectPlatform(nested.index, hostPlatform()), tag);
      return;
    }
    let candidate = byDigest.get(desc.digest);
    if (!candidate) {
      const body = verifiedBlob(archive, desc.digest);
      const doc = parseManifestDocument(body, desc.mediaType);
      if (doc.kind !== 'manifest') throw new InvalidContentError(`${ACTION}: \`${desc.digest}\` is not an image manifest`);
      const config = verifiedBlob(archive, doc.manifest.config.digest);
      candidate = {
        config,
        configDigest: doc.manifest.config.digest,
        manifest: { body, mediaType: doc.manifest.mediaType ?? desc.mediaType, parsed: doc.manifest },
        tags: new Set(),
      };
      byDigest.set(desc.digest, candidate);
    }
    if (tag) candidate.tags.add(tag);
  };
  for (const desc of index.manifests) visit(desc, tagFromAnnotations(desc.annotations));
  return [...byDigest.values()];
}

function findCandidates(archive: ExtractedArchive): Candidate[] {
  const docker = dockerArchiveEntries(archive);
  const dockerTags = (configDigest: string) =>
    docker
      .filter((d) => d.configDigest === configDigest)
      .flatMap((d) => d.entry.RepoTags ?? [])
      .map(canonicalTag)
      .filter((t): t is string => t !== undefined);
  if (archive.has('index.json')) {
    const candidates = ociCandidates(archive);
    for (const c of candidates) for (const t of dockerTags(c.configDigest)) c.tags.add(t);
    return candidates;
  }
  if (docker.length === 0) {
    throw new InvalidContentError(`${ACTION}: the archive has neither manifest.json nor index.json`, {
      hint: 'berth loads archives written by `docker save`, `berth save` or `skopeo copy ... docker-archive:/oci-archive:`',
    });
  }
  return docker.map((d) => ({
    config: d.config,
    configDigest: d.configDigest,
    layerPaths: d.entry.Layers,
    tags: new Set(dockerTags(d.configDigest)),
  }));
}

/** Stores the manifest's layer blobs (moved out of the archive after verification). */
async function storeManifestLayers(store: Store, archive: ExtractedArchive, manifest: ImageManifest, diffIds: string[]): Promise<ImageLayer[]> {
  const chains = chainIds(diffIds);
  const layers: ImageLayer[] = [];
  for (const [i, desc] of manifest.layers.entries()) {
    if (!store.blobs.has(desc.digest)) {
      const name = `blobs/sha256/${digestHex(desc.digest)}`;
      if (!archive.has(name)) {
        throw new InvalidContentError(`${ACTION}: layer \`${desc.digest}\` is not in the archive`, {
          hint: 'foreign (non-distributable) layers cannot be loaded',
        });
      }
      const file = archive.file(name);
      if (fs.statSync(file).size !== desc.size) {
        throw new DigestMismatchError(`${ACTION}: layer \`${desc.digest}\` has ${fs.statSync(file).size} bytes, the manifest says ${desc.size}`);
      }
      await store.blobs.commitFile(file, desc.digest, { verify: true });
    }
    layers.push({ digest: desc.digest, mediaType: desc.mediaType, size: desc.size, diffId: diffIds[i], chainId: chains[i] });
  }
  return layers;
}

/** Stores docker-archive layer tars gzip-compressed, checking each diffID. */
async function storeArchiveLayers(store: Store, archive: ExtractedArchive, paths: string[], diffIds: string[]): Promise<ImageLayer[]> {
  const chains = chainIds(diffIds);
  const layers: ImageLayer[] = [];
  for (const [i, name] of paths.entries()) {
    const blob = await storeGzipLayer(store, fs.createReadStream(archive.file(name)));
    if (blob.diffId !== diffIds[i]) {
      throw new DigestMismatchError(`${ACTION}: layer \`${name}\` has diffID \`${blob.diffId}\`, the image config expects \`${diffIds[i]}\``);
    }
    layers.push({ ...blob, chainId: chains[i] });
  }
  return layers;
}

function schema2Manifest(config: Buffer, configDigest: string, layers: ImageLayer[]): Buffer {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.DockerManifest,
    config: { mediaType: MediaType.DockerConfig, size: config.length, digest: configDigest },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
  };
  return Buffer.from(JSON.stringify(manifest, null, 3));
}

/** The diffIDs of a candidate whose config berth can keep (checked before any blob of the archive is stored). */
function checkedDiffIds(c: Candidate): string[] {
  const diffIds = parseConfig(c.config, c.configDigest).rootfs.diff_ids;
  const layerCount = c.manifest ? c.manifest.parsed.layers.length : c.layerPaths!.length;
  if (layerCount !== diffIds.length) {
    throw new InvalidContentError(`${ACTION}: image \`${c.configDigest}\` has ${layerCount} layers but its config lists ${diffIds.length}`);
  }
  return diffIds;
}

async function loadCandidate(store: Store, archive: ExtractedArchive, c: Candidate, diffIds: string[]): Promise<LoadedImage> {
  const layers = c.manifest
    ? await storeManifestLayers(store, archive, c.manifest.parsed, diffIds)
    : await storeArchiveLayers(store, archive, c.layerPaths!, diffIds);
  for (const [i, layer] of layers.entries()) {
    await unpackStoredLayer(store, layer, i === 0 ? undefined : layers[i - 1].chainId, ACTION);
  }
  const manifest = c.manifest?.body ?? schema2Manifest(c.config, c.configDigest, layers);
  const { record, movedTags } = await recordImage(store, {
    config: c.config,
    manifest,
    manifestMediaType: c.manifest?.mediaType ?? MediaType.DockerManifest,
    layers,
    tags: [...c.tags],
  });
  const familiar = (tag: string) => familiarString(parseReference(tag));
  return {
    id: record.id,
    tags: [...c.tags].map(familiar),
    moved: movedTags.map((m) => ({ tag: familiar(m.tag), from: m.from })),
  };
}

/** Loads every image of the archive read from `source`. */
export async function loadImages(store: Store, source: NodeJS.ReadableStream): Promise<LoadedImage[]> {
  const hold = await store.holdAgainstCollection();
  const dir = store.blobs.tempPath('load');
  try {
    store.sweep();
    fs.mkdirSync(dir, { mode: 0o700 });
    let archive: ExtractedArchive;
    try {
      archive = await ExtractedArchive.extract(source, dir);
    } catch (err) {
      if (err instanceof BerthError) throw err;
      throw new InvalidContentError(`${ACTION}: cannot read the archive: ${(err as Error).message}`, { cause: err });
    }
    const loaded: LoadedImage[] = [];
    const candidates = findCandidates(archive);
    // Every config first: one that berth cannot keep refuses the load before anything is stored.
    const diffIds = candidates.map(checkedDiffIds);
    for (const [i, candidate] of candidates.entries()) loaded.push(await loadCandidate(store, archive, candidate, diffIds[i]));
    return loaded;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    hold.release();
  }
}
