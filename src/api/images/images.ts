/**
 * The image half of the engine API: every verb of `berth image ...` as a
 * typed method. Verbs with real work live in their own files.
 */
import { Settings } from '../../config/settings';
import { Store } from '../../image/store/store';
import { ImageRecord } from '../../image/store/image-store';
import * as path from 'node:path';
import { ContainerConfig, HistoryEntry, ImageConfig } from '../../image/oci-types';
import { normalizeReference, formatReference, familiarString, familiarName, parseReference } from '../../image/reference';
import type { PullOptions, PullResult } from './pull';
import { findImage, getImage, noSuchImage } from './lookup';
import { familiarMatch, matchesLabels, parseImageFilters } from './filters';
import { ImageSummary, ImageInspect, HistoryRow, RemoveLine, dockerConfigOf } from './views';
import { ConflictError, NotFoundError } from '../../errors/kinds';
import type { ImportOptions, ImportResult, ImportSource } from './import';
import type { LoadedImage } from './load';
import type { PushOptions, PushedTag } from './push';
import type { LoginOptions } from './login';

// The verbs that talk to registries or read archives pull in the HTTP
// client, tar and zlib: load them on first use, so that `run` of a local
// image or `ps` never pays for them (start-up time is on the hot path).
const lazy = {
  pull: () => require('./pull') as typeof import('./pull'),
  import: () => require('./import') as typeof import('./import'),
  save: () => require('./save') as typeof import('./save'),
  load: () => require('./load') as typeof import('./load'),
  push: () => require('./push') as typeof import('./push'),
  login: () => require('./login') as typeof import('./login'),
};

export interface RemoveOptions {
  force?: boolean;
  /** Images containers use; they are not deleted (Docker's conflict). */
  inUse?: (id: string) => string | undefined;
}

function familiarTag(canonical: string): string {
  return familiarString(parseReference(canonical));
}

/** Where image events go (`berth events`): api/events/record.ts's EventLog. */
export interface ImageEvents {
  image(action: string, actorId: string, name: string): void;
}

/** What the container side tells the image side about its use of images. */
export interface ContainerUsage {
  imageUser(imageId: string): string | undefined;
  layersInUse(): Set<string>;
}

/** The `Deleted:` lines of layers (which, unlike an image's, record no event). */
const LAYER_LINES = new WeakSet<RemoveLine>();

export class Images {
  containerUsage?: ContainerUsage;
  events?: ImageEvents;

  constructor(readonly settings: Settings, readonly store: Store) {
  }

  async pull(reference: string, options: PullOptions = {}): Promise<PullResult> {
    const pulled = await new (lazy.pull().Puller)(this.settings, this.store).pull(reference, options);
    const familiar = familiarString(pulled.reference);
    this.events?.image('pull', familiar, familiar);
    return pulled;
  }

  /** The record of a local image, by reference, ID or ID prefix; throws NotFoundError. */
  get(name: string): ImageRecord {
    return getImage(this.store, name).record;
  }

  exists(name: string): boolean {
    return findImage(this.store, name) !== undefined;
  }

  config(id: string): ImageConfig {
    return this.store.blobs.readJson<ImageConfig>(id);
  }

  /**
   * Docker's `images [REPOSITORY[:TAG]] [--filter ...]`: a row per tag (one `<none>` row for an untagged
   * image), newest first. REPOSITORY is a `reference=` filter, as Docker's CLI makes it (filters.ts).
   */
  list(options: { all?: boolean; reference?: string; filters?: string[] } = {}): ImageSummary[] {
    const rows: ImageSummary[] = [];
    const filter = parseImageFilters(options.filters);
    if (options.reference !== undefined) filter.references.push(options.reference);
    const createdOf = (name: string): string => {
      const record = this.get(name);
      return this.config(record.id).created ?? record.addedAt;
    };
    const before = filter.before === undefined ? undefined : Date.parse(createdOf(filter.before));
    const since = filter.since === undefined ? undefined : Date.parse(createdOf(filter.since));
    for (const record of this.store.images.list()) {
      const created = Date.parse(record.created ?? record.addedAt);
      if (before !== undefined && !(created < before)) continue;
      if (since !== undefined && !(created > since)) continue;
      if (filter.labels.length > 0 && !matchesLabels(this.config(record.id).config?.Labels, filter.labels)) continue;
      const allTags = this.store.images.tagsOf(record.id).map((t) => parseReference(t));
      const tags = filter.references.length === 0 ? allTags : allTags.filter((t) => filter.references.some((p) => familiarMatch(p, t)));
      if (filter.dangling === true && allTags.length > 0) continue;
      if (filter.dangling === false && allTags.length === 0) continue;
      if (filter.references.length > 0 && tags.length === 0) continue;
      const repoTags = tags.map(familiarString);
      const repoDigests = record.repoDigests.map((d) => familiarString(parseReference(d)));
      const base = {
        Id: record.id,
        CreatedAt: record.created ?? record.addedAt,
        Size: record.size,
        RepoTags: repoTags,
        RepoDigests: repoDigests,
      };
      const digestFor = (repo: string) => record.repoDigests.map((d) => parseReference(d)).find((d) => familiarName(d) === repo)?.digest ?? '<none>';
      if (tags.length === 0) {
        rows.push({ ...base, Repository: '<none>', Tag: '<none>', Digest: digestFor('') });
        continue;
      }
      for (const tag of tags) {
        rows.push({ ...base, Repository: familiarName(tag), Tag: tag.tag ?? '<none>', Digest: digestFor(familiarName(tag)) });
      }
    }
    return rows.sort((a, b) => (b.CreatedAt ?? '').localeCompare(a.CreatedAt ?? '') || a.Repository.localeCompare(b.Repository));
  }

  inspect(name: string): ImageInspect {
    let record: ImageRecord;
    try {
      record = this.get(name);
    } catch (err) {
      // dockerd 20.10's image inspect wraps the lookup's error so.
      if (err instanceof NotFoundError) throw new NotFoundError(`no such image: ${name}: ${err.message}`, { cause: err });
      throw err;
    }
    const config = this.config(record.id);
    const tags = this.store.images.tagsOf(record.id);
    const layerDirs = this.store.layers.lowerDirs(record.layers[record.layers.length - 1]?.chainId);
    const [top, ...lower] = layerDirs;
    const graphData: Record<string, string> = lower.length > 0 ? { LowerDir: lower.join(':') } : {};
    if (top !== undefined) {
      const layerDir = path.dirname(top);
      Object.assign(graphData, { MergedDir: path.join(layerDir, 'merged'), UpperDir: top, WorkDir: path.join(layerDir, 'work') });
    }
    const text = (key: string): string => (typeof config[key] === 'string' ? (config[key] as string) : '');
    return {
      Id: record.id,
      RepoTags: tags.map(familiarTag),
      RepoDigests: record.repoDigests.map(familiarTag),
      Parent: '',
      Comment: config.history?.[config.history.length - 1]?.comment ?? '',
      Created: config.created ?? record.addedAt,
      Container: text('container'),
      ContainerConfig: dockerConfigOf(config.container_config as ContainerConfig | undefined),
      DockerVersion: text('docker_version'),
      Author: config.author ?? '',
      Config: dockerConfigOf(config.config),
      Architecture: config.architecture,
      ...(config.variant ? { Variant: config.variant } : {}),
      Os: config.os,
      Size: record.size,
      VirtualSize: record.size,
      GraphDriver: { Data: graphData, Name: 'overlay2' },
      RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
      Metadata: { LastTagTime: record.lastTagTime ?? '0001-01-01T00:00:00Z' },
    };
  }

  history(name: string): HistoryRow[] {
    const record = this.get(name);
    const config = this.config(record.id);
    const entries: HistoryEntry[] = config.history ?? record.layers.map(() => ({}));
    let layerIndex = 0;
    const rows = entries.map((h) => {
      const layer = h.empty_layer ? undefined : record.layers[layerIndex++];
      return {
        Id: '<missing>',
        CreatedAt: h.created ?? '',
        CreatedBy: h.created_by ?? '',
        Size: layer ? this.store.layers.get(layer.chainId).size : 0,
        Comment: h.comment ?? '',
      };
    });
    rows.reverse();
    if (rows.length > 0) rows[0].Id = record.id;
    return rows;
  }

  /** Docker's `tag SOURCE TARGET`. */
  async tag(source: string, target: string): Promise<void> {
    const record = this.get(source);
    const ref = normalizeReference(target);
    if (ref.digest) throw new ConflictError(`tag \`${target}\`: refusing to create a tag with a digest reference`);
    await this.store.locked(() => {
      this.store.images.setTag(formatReference(ref), record.id);
      this.store.images.put({ ...this.store.images.get(record.id), lastTagTime: new Date().toISOString() });
    });
    this.events?.image('tag', record.id, familiarString(ref));
  }

  /** Docker's `rmi`: untags a named tag; deletes the image once no tag is left (or with force). */
  async remove(name: string, options: RemoveOptions = {}): Promise<RemoveLine[]> {
    const lines: RemoveLine[] = [];
    let imageId: string | undefined;
    await this.store.locked(() => {
      const found = findImage(this.store, name);
      if (!found) throw noSuchImage(name);
      const { record, reference } = found;
      imageId = record.id;
      const tags = this.store.images.tagsOf(record.id);
      const byTag = reference !== undefined && !reference.digest && tags.includes(formatReference(reference));
      if (byTag && tags.length > 1) {
        this.store.images.removeTag(formatReference(reference));
        lines.push({ Untagged: familiarTag(formatReference(reference)) });
        return;
      }
      if (!byTag && tags.length > 1 && !options.force) {
        throw new ConflictError(
          `conflict: unable to delete ${record.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
        );
      }
      const user = (options.inUse ?? this.containerUsage?.imageUser.bind(this.containerUsage))?.(record.id);
      if (user && !options.force) {
        throw new ConflictError(
          `conflict: unable to remove repository reference "${name}" (must force) - container ${user.slice(0, 12)} is using its referenced image ${record.id.slice(7, 19)}`,
        );
      }
      for (const tag of tags) {
        this.store.images.removeTag(tag);
        lines.push({ Untagged: familiarTag(tag) });
      }
      for (const digest of record.repoDigests) lines.push({ Untagged: familiarTag(digest) });
      lines.push(...this.deleteRecord(record));
    });
    await this.store.collectGarbage(this.containerUsage?.layersInUse());
    this.recordRemoval(lines, imageId);
    return lines;
  }

  /**
   * Deletes an image record (the store lock held) and says what went with it, as dockerd does: the image,
   * then each of its layers, top-most first, that no other image and no container stacks on any more
   * (the garbage collection removes those).
   */
  private deleteRecord(record: ImageRecord): RemoveLine[] {
    this.store.images.delete(record.id);
    const used = new Set(this.store.images.list().flatMap((r) => r.layers.map((l) => l.chainId)));
    for (const chainId of this.containerUsage?.layersInUse() ?? []) used.add(chainId);
    const released = record.layers.map((l) => l.chainId).filter((chainId) => !used.has(chainId)).reverse();
    const layerLines = released.map((chainId) => ({ Deleted: chainId }));
    for (const line of layerLines) LAYER_LINES.add(line);
    return [{ Deleted: record.id }, ...layerLines];
  }

  /**
   * Docker's events for `rmi` and prune, named by the image ID: `untag` per tag, `delete` per image. Lines come
   * as each image's untags then its deletion; untags with no deletion after them belong to `untaggedId`.
   */
  private recordRemoval(lines: readonly RemoveLine[], untaggedId?: string): void {
    if (!this.events) return;
    let untags = 0;
    for (const line of lines) {
      if ('Untagged' in line) {
        untags++;
        continue;
      }
      if (LAYER_LINES.has(line)) continue; // a layer went with the image: no event of its own
      for (; untags > 0; untags--) this.events.image('untag', line.Deleted, line.Deleted);
      this.events.image('delete', line.Deleted, line.Deleted);
    }
    if (untaggedId) for (; untags > 0; untags--) this.events.image('untag', untaggedId, untaggedId);
  }

  /** Docker's `image prune`: dangling (untagged) images, or all unused with `all`. */
  async prune(options: { all?: boolean; inUse?: (id: string) => string | undefined } = {}): Promise<{ deleted: RemoveLine[]; reclaimed: number }> {
    const deleted: RemoveLine[] = [];
    let reclaimed = 0;
    await this.store.locked(() => {
      for (const record of this.store.images.list()) {
        const tags = this.store.images.tagsOf(record.id);
        if ((options.inUse ?? this.containerUsage?.imageUser.bind(this.containerUsage))?.(record.id)) continue;
        if (tags.length > 0 && !options.all) continue;
        for (const tag of tags) {
          this.store.images.removeTag(tag);
          deleted.push({ Untagged: familiarTag(tag) });
        }
        deleted.push(...this.deleteRecord(record));
        reclaimed += record.size;
      }
    });
    await this.store.collectGarbage(this.containerUsage?.layersInUse());
    this.recordRemoval(deleted);
    return { deleted, reclaimed };
  }

  /** Docker's `import`: a rootfs tarball (file, or a stream such as stdin) becomes a one-layer image. */
  async import(source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
    const imported = await lazy.import().importImage(this.store, source, options);
    this.events?.image('import', imported.id, imported.id);
    return imported;
  }

  /** Docker's `save`: writes a docker-archive that is also an OCI layout to `output` (a file path or a stream left open). */
  save(names: readonly string[], output: string | NodeJS.WritableStream): Promise<void> {
    const { saveToFile, saveToStream } = lazy.save();
    return typeof output === 'string' ? saveToFile(this.store, names, output) : saveToStream(this.store, names, output);
  }

  /** Docker's `load`: every image of a docker-archive or OCI layout tarball (any compression). */
  async load(source: NodeJS.ReadableStream): Promise<LoadedImage[]> {
    const loaded = await lazy.load().loadImages(this.store, source);
    for (const image of loaded) this.events?.image('load', image.id, image.id);
    return loaded;
  }

  /** Docker's `push`: a local tag (or every tag of a repository) to its registry. */
  push(name: string, options: PushOptions = {}): Promise<PushedTag[]> {
    return new (lazy.push().Pusher)(this.settings, this.store).push(name, options);
  }

  /** Checks credentials against a registry and saves them; returns the server they are saved under. */
  login(options: LoginOptions): Promise<string> {
    return lazy.login().login(this.settings, this.store, options);
  }

  logout(server?: string): Promise<{ server: string; removed: boolean }> {
    return lazy.login().logout(this.store, server);
  }
}
