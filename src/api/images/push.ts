/**
 * push: the stored manifest, byte for byte (so its digest stays), and every
 * blob it names. Each layer is, in order of preference: already in the
 * target repository; mounted from another repository of the same registry
 * that the image came from (its repo digests say which); or uploaded. The
 * config goes last before the manifest, as Docker does. The pushed
 * `repo@digest` is added to the image's record.
 */
import { Settings } from '../../config/settings';
import { Store } from '../../image/store/store';
import { ImageRecord } from '../../image/store/image-store';
import { ImageReference, formatReference, normalizeReference, parseReference, repositoryName } from '../../image/reference';
import { RegistryClient } from '../../image/registry/client';
import { CredentialStore } from '../../image/registry/credentials';
import { endpointsFor } from './endpoints';
import { shortId } from './pull';
import { BerthError } from '../../errors/berth-error';
import { NotFoundError, RegistryError, UsageError } from '../../errors/kinds';

export type PushLayerStatus = 'Preparing' | 'Waiting' | 'Pushing' | 'Pushed' | 'Layer already exists' | `Mounted from ${string}`;

export type PushEvent =
  | { kind: 'repository'; name: string }
  | { kind: 'layer'; id: string; status: PushLayerStatus }
  | { kind: 'pushed'; tag: string; digest: string; size: number };

export interface PushOptions {
  /** Push every local tag of the repository (NAME must then have no tag). */
  allTags?: boolean;
  onEvent?: (event: PushEvent) => void;
}

export interface PushedTag {
  tag: string;
  digest: string;
  size: number;
}

const PARALLEL_UPLOADS = 3;

/** Local tags to push for `name`, each with its image. */
function tagsToPush(store: Store, name: string, ref: ImageReference, allTags: boolean): Array<{ ref: ImageReference; record: ImageRecord }> {
  if (ref.digest) throw new UsageError(`push \`${name}\`: cannot push a digest reference`, { hint: 'push a tag instead' });
  if (allTags) {
    if (parseReference(name).tag !== undefined) throw new UsageError(`push \`${name}\`: tag can't be used with --all-tags/-a`);
    const repo = repositoryName(ref);
    const found = Object.entries(store.images.tags())
      .map(([tag, id]) => ({ ref: parseReference(tag), id }))
      .filter((t) => repositoryName(t.ref) === repo && store.images.has(t.id))
      .map((t) => ({ ref: t.ref, record: store.images.get(t.id) }));
    if (found.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${repo}`);
    return found;
  }
  const id = store.images.resolveTag(formatReference(ref));
  if (!id || !store.images.has(id)) throw new NotFoundError(`An image does not exist locally with the tag: ${repositoryName(ref)}`);
  return [{ ref, record: store.images.get(id) }];
}

/** Other repositories on the same registry the image is known to be in. */
function mountSources(record: ImageRecord, target: ImageReference): string[] {
  const sources: string[] = [];
  for (const repoDigest of record.repoDigests) {
    let ref: ImageReference;
    try {
      ref = parseReference(repoDigest);
    } catch {
      continue;
    }
    if (ref.domain === target.domain && ref.path !== target.path && !sources.includes(ref.path)) sources.push(ref.path);
  }
  return sources;
}

/** Runs tasks with at most `limit` at once. */
async function inParallel(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

export class Pusher {
  private readonly credentials: CredentialStore;

  constructor(private readonly settings: Settings, private readonly store: Store) {
    this.credentials = new CredentialStore(store.layout.authFile);
  }

  private clientFor(ref: ImageReference): RegistryClient {
    const endpoint = endpointsFor(ref.domain, this.settings).find((e) => !e.mirror);
    if (!endpoint) throw new RegistryError(`push \`${repositoryName(ref)}\`: no registry to push to`);
    return new RegistryClient({
      host: endpoint.host,
      insecure: endpoint.insecure,
      credentials: this.credentials.get(endpoint.credentialKey),
      displayDomain: ref.domain,
    });
  }

  async push(name: string, options: PushOptions = {}): Promise<PushedTag[]> {
    const ref = normalizeReference(name);
    const emit = options.onEvent ?? (() => undefined);
    const targets = tagsToPush(this.store, name, ref, Boolean(options.allTags));
    const client = this.clientFor(ref);
    emit({ kind: 'repository', name: repositoryName(ref) });
    const done = new Set<string>();
    const pushed: PushedTag[] = [];
    try {
      for (const target of targets) {
        await this.pushBlobs(client, ref, target.record, done, emit);
        const body = this.store.blobs.readBuffer(target.record.manifestDigest);
        const tag = target.ref.tag ?? 'latest';
        const digest = await client.putManifest(ref.path, tag, target.record.manifestMediaType, body);
        await this.store.locked(() => {
          const current = this.store.images.get(target.record.id);
          const repoDigest = `${repositoryName(ref)}@${digest}`;
          if (!current.repoDigests.includes(repoDigest)) {
            this.store.images.put({ ...current, repoDigests: [...current.repoDigests, repoDigest] });
          }
        });
        emit({ kind: 'pushed', tag, digest, size: body.length });
        pushed.push({ tag, digest, size: body.length });
      }
      return pushed;
    } catch (err) {
      if (err instanceof BerthError) throw err;
      throw new RegistryError(`push \`${repositoryName(ref)}\`: ${(err as Error).message}`, { cause: err });
    } finally {
      client.close();
    }
  }

  private async pushBlobs(
    client: RegistryClient,
    ref: ImageReference,
    record: ImageRecord,
    done: Set<string>,
    emit: (e: PushEvent) => void,
  ): Promise<void> {
    const sources = mountSources(record, ref);
    // Docker lists layers top-most first.
    const layers = [...record.layers].reverse().filter((l) => !done.has(l.digest));
    for (const layer of layers) emit({ kind: 'layer', id: shortId(layer.diffId), status: 'Preparing' });
    await inParallel(
      layers.map((layer) => async () => {
        const id = shortId(layer.diffId);
        const status = await this.pushBlob(client, ref, layer.digest, sources, () => emit({ kind: 'layer', id, status: 'Pushing' }));
        done.add(layer.digest);
        emit({ kind: 'layer', id, status });
      }),
      PARALLEL_UPLOADS,
    );
    if (!done.has(record.id)) {
      await this.pushBlob(client, ref, record.id, sources, () => undefined);
      done.add(record.id);
    }
  }

  private async pushBlob(
    client: RegistryClient,
    ref: ImageReference,
    digest: string,
    sources: string[],
    onUpload: () => void,
  ): Promise<PushLayerStatus> {
    if (await client.blobExists(ref.path, digest)) return 'Layer already exists';
    for (const from of sources) {
      // A refused mount (no pull access to `from`, say) is not fatal: the upload follows.
      const mounted = await client.mountBlob(ref.path, digest, from).catch(() => false);
      if (mounted) return `Mounted from ${from}`;
    }
    onUpload();
    await client.uploadBlob(ref.path, { digest, size: this.store.blobs.size(digest) }, this.store.blobs.path(digest));
    return 'Pushed';
  }
}
