/**
 * pull: resolve a reference against its registry (mirrors first for
 * docker.io), pick the platform's manifest, download the config, then the
 * layers (a few at a time, each verified while it streams) and unpack each
 * one into its own directory as its bytes arrive; layers enter the layer
 * store in order, each only after its blob matched its digest and its
 * content its diffID. Then record the image and its tag. Nothing is
 * recorded until every piece is in the store, so a failed pull leaves the
 * store as it was (plus reusable, verified blobs and layers).
 */
import * as fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { Settings } from '../../config/settings';
import { imageConfigProblem } from '../../image/image-config';
import { Store } from '../../image/store/store';
import { ImageLayer, ImageRecord } from '../../image/store/image-store';
import { ImageReference, normalizeReference, repositoryName, formatReference } from '../../image/reference';
import { RegistryClient } from '../../image/registry/client';
import { CredentialStore } from '../../image/registry/credentials';
import { ACCEPT_MANIFESTS, parseManifestDocument, selectPlatform, parsePlatform, hostPlatform } from '../../image/manifest';
import { Descriptor, ImageConfig, ImageManifest, Platform } from '../../image/oci-types';
import { chainIds } from '../../image/digest';
import { unpackLayer } from '../../storage/unpack-layer';
import { ParentInProgress } from '../../storage/layer-store';
import type { BlobDownload } from '../../image/registry/blob-download';
import { endpointsFor, Endpoint } from './endpoints';
import { BerthError } from '../../errors/berth-error';
import { InvalidContentError, RegistryError } from '../../errors/kinds';

export type LayerStatus =
  | 'Pulling fs layer'
  | 'Waiting'
  | 'Downloading'
  | 'Download complete'
  | 'Extracting'
  | 'Pull complete'
  | 'Already exists';

export type PullEvent =
  | { kind: 'resolved'; reference: ImageReference; endpoint: string }
  | { kind: 'layer'; id: string; status: LayerStatus; current?: number; total?: number }
  | { kind: 'done'; id: string; digest: string; upToDate: boolean };

export interface PullOptions {
  /** os/arch[/variant]; the host's platform by default. */
  platform?: string;
  onEvent?: (event: PullEvent) => void;
}

export interface PullResult {
  id: string;
  reference: ImageReference;
  /** The digest the reference resolved to (the index's, for a multi-platform image). */
  digest: string;
  upToDate: boolean;
}

const PARALLEL_DOWNLOADS = 3;
const STREAM_AHEAD = 8 * 1024 * 1024;

interface Resolved {
  client: RegistryClient;
  endpoint: Endpoint;
  mediaType: string;
  digest: string;
  body: Buffer;
}

/** Runs tasks with at most `limit` in flight, started in the order they were asked for. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    running--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        running++;
        task().then(resolve, reject).finally(next);
      };
      if (running < limit) start();
      else queue.push(start);
    });
}

/** Settles when `stream` wants more data again, or can take none ever again. */
function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** One layer to bring into the store, and where it sits in the image. */
interface LayerJob {
  layer: Descriptor;
  chainId: string;
  diffId: string;
  parentChainId: string | undefined;
  /** The layers below, which may still be on their way. */
  parent: ParentInProgress | undefined;
}

/** Why a layer stopped streaming: another layer failed, and the pull with it. */
class PullAbandoned extends Error {}

export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

export class Puller {
  private readonly credentials: CredentialStore;

  constructor(private readonly settings: Settings, private readonly store: Store) {
    this.credentials = new CredentialStore(store.layout.authFile);
  }

  clientFor(endpoint: Endpoint): RegistryClient {
    return new RegistryClient({
      host: endpoint.host,
      insecure: endpoint.insecure,
      credentials: this.credentials.get(endpoint.credentialKey),
    });
  }

  /** Fetches the reference's top-level manifest from the first endpoint that has it. */
  private async resolve(ref: ImageReference): Promise<Resolved> {
    const endpoints = endpointsFor(ref.domain, this.settings);
    const wanted = ref.digest ?? ref.tag ?? 'latest';
    let lastError: unknown;
    for (const endpoint of endpoints) {
      const client = this.clientFor(endpoint);
      try {
        const manifest = await client.getManifest(ref.path, wanted, ACCEPT_MANIFESTS);
        return { client, endpoint, ...manifest };
      } catch (err) {
        lastError = err;
        // A mirror that lacks the image or is down is skipped, as Docker does.
        if (!endpoint.mirror) break;
      }
    }
    throw lastError ?? new RegistryError(`pull \`${formatReference(ref)}\`: no registry to pull from`);
  }

  async pull(input: string, options: PullOptions = {}): Promise<PullResult> {
    const ref = normalizeReference(input);
    const platform: Platform = options.platform ? parsePlatform(options.platform) : hostPlatform();
    const emit = options.onEvent ?? (() => undefined);
    const hold = await this.store.holdAgainstCollection();
    try {
      this.store.sweep();
      const top = await this.resolve(ref);
      emit({ kind: 'resolved', reference: ref, endpoint: top.endpoint.host });
      let manifestDigest = top.digest;
      let manifestMediaType = top.mediaType;
      let manifestBody = top.body;
      let indexDigest: string | undefined;
      let doc = parseManifestDocument(top.body, top.mediaType);
      if (doc.kind === 'index') {
        indexDigest = top.digest;
        const chosen: Descriptor = selectPlatform(doc.index, platform);
        const inner = await top.client.getManifest(ref.path, chosen.digest, ACCEPT_MANIFESTS);
        doc = parseManifestDocument(inner.body, inner.mediaType);
        if (doc.kind !== 'manifest') {
          throw new InvalidContentError(`pull \`${formatReference(ref)}\`: index entry \`${chosen.digest}\` is not an image manifest`);
        }
        manifestDigest = inner.digest;
        manifestMediaType = inner.mediaType;
        manifestBody = inner.body;
      }
      const manifest = doc.manifest;
      const existing = ref.tag ? this.store.images.resolveTag(formatReference({ ...ref, digest: undefined })) : undefined;
      if (existing && this.store.images.has(existing) && this.store.images.get(existing).manifestDigest === manifestDigest) {
        emit({ kind: 'done', id: existing, digest: top.digest, upToDate: true });
        return { id: existing, reference: ref, digest: top.digest, upToDate: true };
      }

      const config = await this.fetchConfig(top.client, ref, manifest.config);
      const layers = await this.fetchLayers(top.client, ref, manifest, config, emit);

      if (indexDigest) this.store.blobs.putBuffer(top.body, indexDigest);
      this.store.blobs.putBuffer(manifestBody, manifestDigest);
      const id = manifest.config.digest;
      const repoDigest = `${repositoryName(ref)}@${top.digest}`;
      await this.store.locked(() => {
        const previous = this.store.images.has(id) ? this.store.images.get(id) : undefined;
        const record: ImageRecord = {
          id,
          manifestDigest,
          manifestMediaType,
          indexDigest,
          layers,
          repoDigests: [...new Set([...(previous?.repoDigests ?? []), repoDigest])],
          created: config.created,
          size: layers.reduce((sum, l) => sum + this.store.layers.get(l.chainId).size, 0),
          addedAt: previous?.addedAt ?? new Date().toISOString(),
        };
        this.store.images.put(record);
        if (ref.tag) this.store.images.setTag(formatReference({ ...ref, digest: undefined }), id);
      });
      emit({ kind: 'done', id, digest: top.digest, upToDate: false });
      return { id, reference: ref, digest: top.digest, upToDate: false };
    } catch (err) {
      throw this.explain(err, ref);
    } finally {
      hold.release();
    }
  }

  private explain(err: unknown, ref: ImageReference): unknown {
    if (err instanceof BerthError) return err;
    return new RegistryError(`pull \`${formatReference(ref)}\`: ${(err as Error).message}`, { cause: err });
  }

  /** Downloads a blob into the store unless it is there already (`always`: even then). */
  private async fetchBlobInto(
    client: RegistryClient,
    ref: ImageReference,
    desc: Descriptor,
    options: Pick<BlobDownload, 'onProgress' | 'onChunk'> & { always?: boolean } = {},
  ): Promise<void> {
    if (!options.always && this.store.blobs.has(desc.digest)) return;
    const temp = this.store.blobs.tempPath('pull');
    try {
      await client.fetchBlob(ref.path, desc, temp, options);
      await this.store.blobs.commitFile(temp, desc.digest);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }

  private async fetchConfig(client: RegistryClient, ref: ImageReference, desc: Descriptor): Promise<ImageConfig> {
    await this.fetchBlobInto(client, ref, desc);
    const config = this.store.blobs.readJson<ImageConfig>(desc.digest);
    const problem = imageConfigProblem(config);
    if (problem) throw new InvalidContentError(`pull \`${formatReference(ref)}\`: image config \`${desc.digest}\` cannot be used: ${problem}`);
    return config;
  }

  private async fetchLayers(
    client: RegistryClient,
    ref: ImageReference,
    manifest: ImageManifest,
    config: ImageConfig,
    emit: (e: PullEvent) => void,
  ): Promise<ImageLayer[]> {
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw new InvalidContentError(
        `pull \`${formatReference(ref)}\`: manifest has ${manifest.layers.length} layers but the config lists ${diffIds.length}`,
      );
    }
    const chains = chainIds(diffIds);
    const present = manifest.layers.map((l, i) => this.store.layers.has(chains[i]) && this.store.blobs.has(l.digest));
    manifest.layers.forEach((l, i) =>
      emit({ kind: 'layer', id: shortId(l.digest), status: present[i] ? 'Already exists' : 'Pulling fs layer' }),
    );
    // Every layer is unpacked into its own directory while it downloads (a
    // few downloads at a time) and renamed into the store after the layer
    // below it; an entry that needs a lower layer waits for it (unpack-layer.ts).
    const slot = limiter(PARALLEL_DOWNLOADS);
    const failed = new AbortController();
    let firstError: unknown;
    const stored: Array<Promise<void>> = [];
    manifest.layers.forEach((layer, i) => {
      const job: LayerJob = {
        layer,
        chainId: chains[i],
        diffId: diffIds[i],
        parentChainId: i === 0 ? undefined : chains[i - 1],
        parent: i === 0 ? undefined : { lowerChain: chains.slice(0, i).reverse(), stored: stored[i - 1] },
      };
      // A layer already here settles with the layers below it: the ones above may wait for all of them.
      const below = i === 0 ? Promise.resolve() : stored[i - 1];
      const done = present[i] ? below : this.pullLayer(client, ref, job, slot, emit, failed.signal);
      done.catch((err: unknown) => {
        firstError ??= err;
        failed.abort();
      });
      stored.push(done);
    });
    // Every layer settles before we report, so no temp file is written after we return.
    await Promise.allSettled(stored);
    if (failed.signal.aborted) throw firstError;
    return manifest.layers.map((layer, i) => ({
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      diffId: diffIds[i],
      chainId: chains[i],
    }));
  }

  /** Downloads one layer and unpacks it as the bytes arrive; resolves once it is in the store. */
  private async pullLayer(
    client: RegistryClient,
    ref: ImageReference,
    job: LayerJob,
    slot: <T>(task: () => Promise<T>) => Promise<T>,
    emit: (e: PullEvent) => void,
    abandoned: AbortSignal,
  ): Promise<void> {
    const { layer } = job;
    const id = shortId(layer.digest);
    const unpackFrom = (source: () => NodeJS.ReadableStream, showProgress: boolean) =>
      this.store.layers.create(
        job.chainId,
        job.parentChainId,
        (diffDir, lowerDirs) =>
          unpackLayer(source(), diffDir, {
            lowerDirs,
            lowersReady: job.parent?.stored,
            onProgress: showProgress
              ? (current) => emit({ kind: 'layer', id, status: 'Extracting', current, total: layer.size })
              : undefined,
          }),
        job.diffId,
        job.parent,
      );
    const downloading = (current: number) => emit({ kind: 'layer', id, status: 'Downloading', current, total: layer.size });
    const stillWanted = () => {
      if (abandoned.aborted) throw new PullAbandoned(`pull layer \`${layer.digest}\`: abandoned`);
    };

    if (this.store.blobs.has(layer.digest) || this.store.layers.has(job.chainId)) {
      // Only one half is missing: no stream to share.
      await slot(async () => {
        stillWanted();
        await this.fetchBlobInto(client, ref, layer, { onProgress: downloading });
      });
      emit({ kind: 'layer', id, status: 'Download complete' });
      await unpackFrom(() => fs.createReadStream(this.store.blobs.path(layer.digest)), true);
      emit({ kind: 'layer', id, status: 'Pull complete' });
      return;
    }

    // The unpack reads what the download writes. It fails on its own if the
    // content is bad, but the download goes on: a blob that does not match
    // its digest is the error to report. A registry that restarts the blob
    // from byte 0 ends the stream; the layer is then unpacked from the file.
    // The download may run ahead of the unpack by STREAM_AHEAD bytes, so neither waits on the other's every chunk.
    const source = new PassThrough({ highWaterMark: STREAM_AHEAD });
    let fed = 0;
    let feeding = true;
    let restarted = false;
    const unpacking = unpackFrom(() => source, false);
    const unpacked = unpacking.then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    void unpacked.then(() => {
      feeding = false;
      source.destroy();
    });
    const onChunk = async (chunk: Buffer, offset: number): Promise<void> => {
      stillWanted();
      if (!feeding) return;
      if (offset !== fed) {
        feeding = false;
        restarted = true;
        source.destroy(new Error('the registry sent the blob again from its start'));
        return;
      }
      fed += chunk.length;
      if (!source.write(chunk)) await drainedOrClosed(source);
    };
    let downloadError: unknown;
    try {
      await slot(async () => {
        stillWanted();
        await this.fetchBlobInto(client, ref, layer, { onProgress: downloading, onChunk, always: true });
      });
      source.end();
      emit({ kind: 'layer', id, status: 'Download complete' });
    } catch (err) {
      downloadError = err;
      source.destroy(err as Error);
    }
    const outcome = await unpacked;
    if (downloadError !== undefined) throw downloadError;
    if (outcome) {
      if (!restarted) throw outcome.err;
      await unpackFrom(() => fs.createReadStream(this.store.blobs.path(layer.digest)), true);
    }
    emit({ kind: 'layer', id, status: 'Pull complete' });
  }
}
