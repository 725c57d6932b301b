/**
 * A new container's volumes, as Docker's container create makes them:
 * `-v NAME:/path` and `--mount type=volume,src=NAME` use the named volume
 * (created when missing), `-v /path` and each VOLUME of the image that no
 * mount covers get an anonymous volume. Every volume mount becomes a bind
 * of the volume's `_data`; the image's content is copied in at first start
 * (runtime/volume-content.ts).
 */
import type { ImageConfig } from '../../image/oci-types';
import type { ResolvedMount, RunOptions } from '../../runtime/spec/run-options';
import type { VolumeMountPoint } from '../../runtime/state';
import { cleanPath, parseTmpfsFlag } from '../../runtime/spec/parse-mounts';
import { Volumes } from '../volumes/volumes';

export interface AttachedVolumes {
  /** The run options' mounts with every volume resolved to its host directory, plus the image's volumes. */
  mounts: ResolvedMount[];
  mountPoints: VolumeMountPoint[];
  /** Names of the anonymous volumes created for the container (rm -v removes them). */
  anonymous: string[];
  /** Removes the anonymous volumes again, when the container could not be created. */
  rollback(): void;
}

export function attachVolumes(volumes: Volumes, options: RunOptions, image: Pick<ImageConfig, 'config'>): AttachedVolumes {
  const attached: AttachedVolumes = {
    mounts: [],
    mountPoints: [],
    anonymous: [],
    rollback: () => {
      for (const name of attached.anonymous) volumes.remove(name, { force: true });
    },
  };
  const use = (mount: ResolvedMount, name: string | undefined, copyData: boolean): void => {
    const record = name === undefined ? volumes.create(undefined, { anonymous: true }) : volumes.ensure(name);
    if (name === undefined) attached.anonymous.push(record.Name);
    attached.mounts.push({ ...mount, type: 'volume', source: record.Mountpoint });
    attached.mountPoints.push({ name: record.Name, destination: mount.destination, copyData });
  };
  try {
    for (const m of options.mounts) {
      if (m.type === 'volume') use(m, m.source === '' ? undefined : m.source, !m.noCopy);
      else attached.mounts.push(m);
    }
    const covered = new Set([...options.mounts.map((m) => m.destination), ...options.tmpfs.map((t) => parseTmpfsFlag(t).target)]);
    for (const key of Object.keys(image.config?.Volumes ?? {}).sort()) {
      if (!key.startsWith('/')) continue;
      const destination = cleanPath(key);
      if (destination === '/' || covered.has(destination)) continue;
      covered.add(destination);
      use({ type: 'volume', source: '', destination, readonly: false }, undefined, true);
    }
  } catch (err) {
    attached.rollback();
    throw err;
  }
  return attached;
}
