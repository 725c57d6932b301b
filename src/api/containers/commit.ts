/**
 * commit: a container's writable layer becomes a new image layer on top of
 * its image, as `docker commit` makes it.
 *
 *   freeze the cgroup (running containers, unless pause=false), the freeze
 *     recorded so that a killed commit never leaves it frozen (commit-freeze.ts)
 *   bundle/upper -> layer tar (layer-tars.ts) -> gzip blob, diffID on the way
 *   thaw
 *   unpack the blob as layer chain(image) + diffID, so the image runs at once
 *   config = image config + the container's Config + `-c` changes,
 *            a history entry (the container's Cmd, author, -m), rootfs + diffID
 *   Docker schema 2 manifest, record, tag
 *
 * An unchanged container still gets a layer (the empty tar), as with Docker.
 */
import * as fs from 'node:fs';
import { Store } from '../../image/store/store';
import { ImageLayer } from '../../image/store/image-store';
import { ImageConfig, ImageManifest } from '../../image/oci-types';
import { MediaType } from '../../image/media-types';
import { applyChanges } from '../../image/config-changes';
import { chainIdOf, sha256Digest } from '../../image/digest';
import { formatReference, normalizeReference } from '../../image/reference';
import { ContainerState } from '../../runtime/state';
import type { Spec } from '../../runtime/spec/types';
import type { CgroupManager } from '../../cgroups/manager';
import { tarStream } from '../../storage/host-tar';
import { upperLayerItems } from '../../storage/layer-tars';
import { storeGzipLayer, StoredLayerBlob, unpackStoredLayer } from '../images/layer-blobs';
import { recordImage } from '../images/record-image';
import { containerConfigOf } from './container-config';
import { UsageError } from '../../errors/kinds';
import { freezeForCommit } from '../../runtime/commit-freeze';

export interface CommitOptions {
  /** REPOSITORY[:TAG] for the new image. */
  reference?: string;
  /** Commit message (the history entry's comment). */
  message?: string;
  author?: string;
  /** Dockerfile instructions applied to the config (`CMD ["x"]`, `ENV A=b`, ...). */
  changes?: string[];
  /** Freeze a running container while its layer is read (default true). */
  pause?: boolean;
}

export interface CommitResult {
  /** `sha256:<hex>` of the new image's config. */
  id: string;
  tag?: string;
}

/** What commit needs of the engine for one container, read under its lock. */
export interface CommitSubject {
  state: ContainerState;
  spec: Spec | undefined;
  lowerDirs: string[];
  /** The container's cgroup, when it is running. */
  cgroup: CgroupManager | undefined;
}

function tagFor(reference: string | undefined): string | undefined {
  if (reference === undefined || reference === '') return undefined;
  const ref = normalizeReference(reference);
  if (ref.digest) throw new UsageError(`commit: refusing to create a tag with a digest reference: \`${reference}\``);
  return formatReference(ref);
}

/** Writes the writable layer as a stored gzip blob, the container frozen meanwhile when asked. */
export async function storeUpperLayer(store: Store, subject: CommitSubject, pause: boolean): Promise<StoredLayerBlob> {
  const upper = `${subject.state.bundle}/upper`;
  // A container never started has no writable layer yet: its layer is empty.
  if (!fs.existsSync(upper)) fs.mkdirSync(upper, { recursive: true, mode: 0o755 });
  const freeze = pause && subject.cgroup !== undefined ? freezeForCommit(subject.state.bundle, subject.cgroup) : undefined;
  try {
    return await storeGzipLayer(store, tarStream(upperLayerItems(upper, subject.lowerDirs)));
  } finally {
    freeze?.release();
  }
}

/**
 * A Docker schema 2 manifest, as Docker writes for commit, when every layer
 * is gzip (OCI gzip layers are the same bytes); otherwise (plain or zstd
 * layers of a pulled OCI image) an OCI manifest, which can name them.
 */
export function commitManifest(config: Buffer, layers: readonly ImageLayer[]): { manifest: ImageManifest; mediaType: string } {
  const gzip: string[] = [MediaType.DockerLayerGzip, MediaType.OciLayerGzip];
  const docker = layers.every((l) => gzip.includes(l.mediaType));
  const layerType = (l: ImageLayer): string => (l.mediaType === MediaType.DockerLayerGzip && !docker ? MediaType.OciLayerGzip : l.mediaType);
  const mediaType = docker ? MediaType.DockerManifest : MediaType.OciManifest;
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? MediaType.DockerConfig : MediaType.OciConfig, size: config.length, digest: sha256Digest(config) },
    layers: layers.map((l) => ({ mediaType: docker ? MediaType.DockerLayerGzip : layerType(l), size: l.size, digest: l.digest })),
  };
  return { manifest, mediaType };
}

export async function commitContainer(store: Store, subject: CommitSubject, options: CommitOptions = {}): Promise<CommitResult> {
  const tag = tagFor(options.reference);
  const { state } = subject;
  const base = store.images.get(state.imageId);
  const baseConfig = store.blobs.readJson<ImageConfig>(base.id);
  const containerConfig = containerConfigOf(state, subject.spec, baseConfig);
  const runtimeConfig = applyChanges(options.changes ?? [], containerConfig);
  const hold = await store.holdAgainstCollection();
  try {
    store.sweep();
    const blob = await storeUpperLayer(store, subject, options.pause ?? true);
    const parent = base.layers[base.layers.length - 1]?.chainId;
    const layer: ImageLayer = { ...blob, chainId: chainIdOf(parent, blob.diffId) };
    await unpackStoredLayer(store, layer, parent, `commit \`${state.name}\``);

    const created = new Date().toISOString();
    const history = {
      created,
      // Docker's created_by is the container's Cmd (without the entrypoint).
      created_by: (containerConfig.Cmd ?? []).join(' '),
      ...(options.author ? { author: options.author } : {}),
      ...(options.message ? { comment: options.message } : {}),
    };
    const config: ImageConfig = {
      ...baseConfig,
      author: options.author || undefined,
      comment: options.message || undefined,
      config: runtimeConfig,
      created,
      history: [...(baseConfig.history ?? []), history],
      rootfs: { type: 'layers', diff_ids: [...baseConfig.rootfs.diff_ids, layer.diffId] },
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const layers = [...base.layers, layer];
    const { manifest, mediaType } = commitManifest(configBytes, layers);
    const { record } = await recordImage(store, {
      config: configBytes,
      manifest: Buffer.from(JSON.stringify(manifest, null, 3)),
      manifestMediaType: mediaType,
      layers,
      tags: tag ? [tag] : [],
    });
    return { id: record.id, tag };
  } finally {
    hold.release();
  }
}
