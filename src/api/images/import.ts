/**
 * import: a root filesystem tarball (plain, gzip or zstd) becomes a
 * one-layer image, as `docker import` makes it: the layer stored
 * gzip-compressed, a config with the `--change` instructions applied and a
 * history entry "Imported from SOURCE" (or the message), a Docker schema 2
 * manifest, and the optional tag.
 */
import * as fs from 'node:fs';
import { Store } from '../../image/store/store';
import { ImageLayer } from '../../image/store/image-store';
import { ImageConfig, ImageManifest } from '../../image/oci-types';
import { MediaType } from '../../image/media-types';
import { hostPlatform, parsePlatform } from '../../image/manifest';
import { applyChanges } from '../../image/config-changes';
import { formatReference, normalizeReference } from '../../image/reference';
import { storeGzipLayer, unpackStoredLayer } from './layer-blobs';
import { recordImage } from './record-image';
import { NotFoundError, UsageError } from '../../errors/kinds';

export interface ImportOptions {
  /** REPOSITORY[:TAG] to tag the image with. */
  reference?: string;
  /** Dockerfile instructions applied to the config (`CMD ["sh"]`, `ENV A=b`, ...). */
  changes?: string[];
  /** History comment; default "Imported from SOURCE". */
  message?: string;
  /** os/arch[/variant] written into the config; the host's by default. */
  platform?: string;
}

export interface ImportResult {
  id: string;
  /** Canonical tag set, when a reference was given. */
  tag?: string;
}

/** A tarball to import: a file path, or a stream with the name history shows for it (`-` for stdin). */
export type ImportSource = string | { stream: NodeJS.ReadableStream; name?: string };

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

function openSource(source: ImportSource): { stream: NodeJS.ReadableStream; name: string } {
  if (typeof source !== 'string') return { stream: source.stream, name: source.name ?? '-' };
  if (URL_RE.test(source)) {
    throw new UsageError(`import \`${source}\`: importing from a URL is not supported`, {
      hint: 'download the tarball first, then import the file (or pipe it in with `-`)',
    });
  }
  if (source === '-') return { stream: process.stdin, name: '-' };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`import \`${source}\`: no such file`);
    throw err;
  }
  if (!stat.isFile()) throw new UsageError(`import \`${source}\`: not a regular file`);
  return { stream: fs.createReadStream(source), name: source };
}

function tagFor(reference: string | undefined): string | undefined {
  if (reference === undefined) return undefined;
  const ref = normalizeReference(reference);
  if (ref.digest) throw new UsageError(`import: refusing to tag \`${reference}\`: a tag cannot contain a digest`);
  return formatReference(ref);
}

export async function importImage(store: Store, source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  const tag = tagFor(options.reference);
  const runtimeConfig = applyChanges(options.changes ?? []);
  const platform = options.platform ? parsePlatform(options.platform) : hostPlatform();
  const input = openSource(source);
  const hold = await store.holdAgainstCollection();
  try {
    store.sweep();
    const blob = await storeGzipLayer(store, input.stream);
    const layer: ImageLayer = { ...blob, chainId: blob.diffId };
    await unpackStoredLayer(store, layer, undefined, `import \`${input.name}\``);

    const created = new Date().toISOString();
    const comment = options.message ?? `Imported from ${input.name}`;
    const config: ImageConfig = {
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      comment,
      config: runtimeConfig,
      created,
      history: [{ created, created_by: '', comment }],
      os: platform.os,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, size: configBytes.length, digest: store.blobs.putBuffer(configBytes) },
      layers: [{ mediaType: layer.mediaType, size: layer.size, digest: layer.digest }],
    };
    const { record } = await recordImage(store, {
      config: configBytes,
      manifest: Buffer.from(JSON.stringify(manifest, null, 3)),
      manifestMediaType: MediaType.DockerManifest,
      layers: [layer],
      tags: tag ? [tag] : [],
    });
    return { id: record.id, tag };
  } finally {
    hold.release();
  }
}
