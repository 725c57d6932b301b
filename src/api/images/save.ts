/**
 * save: images as one tarball that is both a docker-archive and an OCI
 * image layout, the way Docker 25+ writes it, so `docker load`,
 * `skopeo copy docker-archive:` and `skopeo copy oci-archive:` all read it:
 *
 *   blobs/sha256/<hex>   every layer blob (as stored), config and manifest
 *   oci-layout           {"imageLayoutVersion": "1.0.0"}
 *   index.json           one manifest entry per tag (io.containerd.image.name
 *                        and org.opencontainers.image.ref.name annotations)
 *   manifest.json        docker-archive: [{Config, RepoTags, Layers}] whose
 *                        paths point into blobs/
 *   repositories         legacy {"repo": {"tag": "<top layer hex>"}}
 *
 * The layers keep their stored compression; docker-archive readers detect it.
 * Entries carry mtime 0 so saving the same images twice gives the same bytes.
 * Every blob is checked against its digest as it streams out: a blob damaged
 * on disk fails the save (no file left with -o; a cut archive on stdout).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { Store } from '../../image/store/store';
import { ImageRecord } from '../../image/store/image-store';
import { Descriptor, ImageIndex } from '../../image/oci-types';
import { MediaType } from '../../image/media-types';
import { digestHex } from '../../image/digest';
import { familiarName, familiarString, formatReference, parseReference, repositoryName } from '../../image/reference';
import { getImage } from './lookup';
import { verifiedStream } from '../../image/stream-hash';
import { DigestMismatchError, NotFoundError, UsageError } from '../../errors/kinds';

interface SavedImage {
  record: ImageRecord;
  /** Canonical tags, in the order first named. */
  tags: string[];
}

const EPOCH = new Date(0);

function blobName(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

/** The images `names` select, each once, with the tags to save for it (Docker's rules). */
export function selectImages(store: Store, names: readonly string[]): SavedImage[] {
  if (names.length === 0) throw new UsageError('save: at least one image is needed');
  const byId = new Map<string, SavedImage>();
  const add = (record: ImageRecord, tag?: string) => {
    let entry = byId.get(record.id);
    if (!entry) byId.set(record.id, (entry = { record, tags: [] }));
    if (tag !== undefined && !entry.tags.includes(tag)) entry.tags.push(tag);
  };
  for (const name of names) {
    const found = getImage(store, name);
    const ref = found.reference;
    if (!ref || ref.digest) {
      add(found.record);
      continue;
    }
    let explicitTag = true;
    try {
      explicitTag = parseReference(name).tag !== undefined;
    } catch {
      // A familiar name the strict grammar rejects was still found by normalisation: treat as tagged.
    }
    if (explicitTag) {
      add(found.record, formatReference(ref));
      continue;
    }
    // A bare repository name saves every tag of that repository, as Docker does.
    const repo = repositoryName(ref);
    for (const [tag, id] of Object.entries(store.images.tags())) {
      if (repositoryName(parseReference(tag)) === repo && store.images.has(id)) add(store.images.get(id), tag);
    }
  }
  return [...byId.values()];
}

function indexFor(store: Store, images: SavedImage[]): ImageIndex {
  const manifests: Descriptor[] = [];
  for (const { record, tags } of images) {
    const base: Descriptor = {
      mediaType: record.manifestMediaType,
      digest: record.manifestDigest,
      size: store.blobs.size(record.manifestDigest),
    };
    if (tags.length === 0) manifests.push(base);
    for (const tag of tags) {
      const ref = parseReference(tag);
      manifests.push({
        ...base,
        annotations: { 'io.containerd.image.name': tag, 'org.opencontainers.image.ref.name': ref.tag ?? 'latest' },
      });
    }
  }
  return { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
}

function dockerManifest(images: SavedImage[]): unknown[] {
  return images.map(({ record, tags }) => ({
    Config: blobName(record.id),
    RepoTags: tags.length > 0 ? tags.map((t) => familiarString(parseReference(t))) : null,
    Layers: record.layers.map((l) => blobName(l.digest)),
  }));
}

function repositoriesFile(images: SavedImage[]): Record<string, Record<string, string>> {
  const repos: Record<string, Record<string, string>> = {};
  for (const { record, tags } of images) {
    const top = record.layers[record.layers.length - 1];
    if (!top) continue;
    for (const tag of tags) {
      const ref = parseReference(tag);
      (repos[familiarName(ref)] ??= {})[ref.tag ?? 'latest'] = digestHex(top.diffId);
    }
  }
  return repos;
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o644, mtime: EPOCH }, data, (err) => (err ? reject(err) : resolve()));
  });
}

const DAMAGED_HINT = '`berth system check` lists every damaged blob; remove the images that use it (`berth rmi`), then pull or load them again';

/** A stored blob as an entry, its digest checked on the way: a damaged blob fails the save instead of entering the archive. */
async function addBlob(pack: tar.Pack, store: Store, digest: string): Promise<void> {
  const file = store.blobs.path(digest);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new NotFoundError(`save: blob \`${digest}\` is missing from the store`, { hint: DAMAGED_HINT });
  }
  const entry = pack.entry({ name: blobName(digest), size, mode: 0o644, mtime: EPOCH });
  const damaged = (actual: string) =>
    new DigestMismatchError(`save: blob \`${digest}\` is damaged in the store: its content has digest \`${actual}\``, { hint: DAMAGED_HINT });
  await pipeline(fs.createReadStream(file), verifiedStream(digest, damaged), entry);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value) + '\n');
}

/** Writes the archive of `images` to `output`; ends it only when `end` is set (never end stdout). */
export async function writeArchive(store: Store, images: SavedImage[], output: NodeJS.WritableStream, end: boolean): Promise<void> {
  const pack = tar.pack();
  const written = end ? pipeline(pack, output) : pipeInto(pack, output);
  try {
    pack.entry({ name: 'blobs', type: 'directory', mode: 0o755, mtime: EPOCH });
    pack.entry({ name: 'blobs/sha256', type: 'directory', mode: 0o755, mtime: EPOCH });
    const seen = new Set<string>();
    for (const { record } of images) {
      for (const digest of [...record.layers.map((l) => l.digest), record.id, record.manifestDigest]) {
        if (seen.has(digest)) continue;
        seen.add(digest);
        await addBlob(pack, store, digest);
      }
    }
    await addBuffer(pack, 'index.json', json(indexFor(store, images)));
    await addBuffer(pack, 'manifest.json', json(dockerManifest(images)));
    await addBuffer(pack, 'oci-layout', json({ imageLayoutVersion: '1.0.0' }));
    await addBuffer(pack, 'repositories', json(repositoriesFile(images)));
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
}

/**
 * Pipes into a stream that stays open (stdout): a failure of the archive ends
 * the copy without destroying the stream, whose own errors (a closed pipe) the
 * CLI handles, so the error still reaches stderr and the exit code.
 */
function pipeInto(source: tar.Pack, output: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const resume = () => source.resume();
    output.on('drain', resume);
    const done = (err?: Error) => {
      output.off('drain', resume);
      if (err) reject(err);
      else resolve();
    };
    source.on('data', (chunk: unknown) => {
      if (!output.write(chunk as Buffer)) source.pause();
    });
    source.once('error', done);
    source.once('end', () => done());
  });
}

/** `save -o FILE`: the archive is written beside FILE and renamed over it when whole. */
export async function saveToFile(store: Store, names: readonly string[], file: string): Promise<void> {
  const images = selectImages(store, names);
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeArchive(store, images, fs.createWriteStream(temp, { mode: 0o644 }), true);
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** `save` to a stream (stdout): the stream is left open. */
export async function saveToStream(store: Store, names: readonly string[], output: NodeJS.WritableStream): Promise<void> {
  await writeArchive(store, selectImages(store, names), output, false);
}
