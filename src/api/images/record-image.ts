/**
 * The last step of import and load: with every layer blob stored and
 * unpacked, store the config and manifest blobs, then write the image
 * record and its tags under the store lock (the order pull follows too, so
 * a record never names something missing).
 */
import { Store } from '../../image/store/store';
import { ImageLayer, ImageRecord } from '../../image/store/image-store';
import { ImageConfig } from '../../image/oci-types';

export interface NewImage {
  config: Buffer;
  manifest: Buffer;
  manifestMediaType: string;
  layers: ImageLayer[];
  /** Canonical tags (`docker.io/library/busybox:latest`) to point at the image. */
  tags: string[];
}

export interface RecordedImage {
  record: ImageRecord;
  /** Tags that pointed at another image before (Docker reports them as renamed). */
  movedTags: Array<{ tag: string; from: string }>;
}

export async function recordImage(store: Store, image: NewImage): Promise<RecordedImage> {
  const id = store.blobs.putBuffer(image.config);
  const manifestDigest = store.blobs.putBuffer(image.manifest);
  const config = JSON.parse(image.config.toString('utf8')) as ImageConfig;
  return store.locked(() => {
    const previous = store.images.has(id) ? store.images.get(id) : undefined;
    const record: ImageRecord = {
      id,
      // An image already here keeps its manifest (and so its repo digests' meaning).
      manifestDigest: previous?.manifestDigest ?? manifestDigest,
      manifestMediaType: previous?.manifestMediaType ?? image.manifestMediaType,
      indexDigest: previous?.indexDigest,
      layers: previous?.layers ?? image.layers,
      repoDigests: previous?.repoDigests ?? [],
      created: config.created,
      size: image.layers.reduce((sum, l) => sum + store.layers.get(l.chainId).size, 0),
      addedAt: previous?.addedAt ?? new Date().toISOString(),
    };
    store.images.put(record);
    const movedTags: RecordedImage['movedTags'] = [];
    for (const tag of image.tags) {
      const before = store.images.resolveTag(tag);
      if (before !== undefined && before !== id) movedTags.push({ tag, from: before });
      store.images.setTag(tag, id);
    }
    return { record, movedTags };
  });
}
