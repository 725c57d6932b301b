/**
 * Finds a local image the way Docker does: by reference (`busybox`,
 * `busybox:1`, `host:5000/x@sha256:...`), by full ID (`sha256:...`), or by
 * any unique prefix of the ID's hex.
 */
import { Store } from '../../image/store/store';
import { ImageRecord } from '../../image/store/image-store';
import { normalizeReference, familiarString, formatReference, repositoryName, ImageReference } from '../../image/reference';
import { ConflictError, NotFoundError } from '../../errors/kinds';
import { BerthError } from '../../errors/berth-error';

const HEX_PREFIX = /^(sha256:)?[a-f0-9]{1,64}$/;

export interface FoundImage {
  record: ImageRecord;
  /** The reference the user named, when the image was found by one. */
  reference?: ImageReference;
}

function byReference(store: Store, ref: ImageReference): ImageRecord | undefined {
  if (ref.digest) {
    const wanted = `${repositoryName(ref)}@${ref.digest}`;
    const digest = ref.digest;
    return store.images
      .list()
      .find((r) => r.repoDigests.includes(wanted) || r.manifestDigest === digest || r.indexDigest === digest);
  }
  const id = store.images.resolveTag(formatReference(ref));
  return id && store.images.has(id) ? store.images.get(id) : undefined;
}

/** The image `name` refers to, or undefined. Throws when an ID prefix is ambiguous. */
export function findImage(store: Store, name: string): FoundImage | undefined {
  let ref: ImageReference | undefined;
  try {
    ref = normalizeReference(name);
  } catch (err) {
    if (!HEX_PREFIX.test(name) || !(err instanceof BerthError)) throw err;
  }
  if (ref) {
    const record = byReference(store, ref);
    if (record) return { record, reference: ref };
  }
  if (HEX_PREFIX.test(name)) {
    const ids = store.images.idsWithPrefix(name);
    if (ids.length > 1) throw new ConflictError(`image \`${name}\`: ambiguous ID prefix, it matches ${ids.length} images`);
    if (ids.length === 1) return { record: store.images.get(ids[0]) };
  }
  return undefined;
}

/** Docker's error for an image not found: the name as a reference with its default tag (`No such image: x:latest`). */
export function noSuchImage(name: string): NotFoundError {
  let shown = name;
  try {
    shown = familiarString(normalizeReference(name));
  } catch {
    // not a reference (a 64-hex ID, a bad name): as typed
  }
  return new NotFoundError(`No such image: ${shown}`);
}

/** Like findImage, but a missing image is an error with Docker's wording. */
export function getImage(store: Store, name: string): FoundImage {
  const found = findImage(store, name);
  if (!found) throw noSuchImage(name);
  return found;
}
