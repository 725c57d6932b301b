/**
 * What berth keeps about a volume: volumes/<name>/volume.json, beside the
 * volume's data in volumes/<name>/_data. The fields Docker shows keep
 * Docker's names; `Anonymous` and `Populated` are berth's own.
 */
export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  /** Host path of the data (`_data`); recomputed from the data root on every read. */
  Mountpoint: string;
  /** RFC 3339, seconds precision, UTC. */
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  /** Created by a container for a mount without a name (-v /path, an image VOLUME). */
  Anonymous: boolean;
  /** The image's content at a mount point was copied in once: never copy again. */
  Populated: boolean;
}

/** `docker volume inspect` of one volume: no labels or options are `null`, as dockerd shows them. */
export interface VolumeInspect {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: string;
}

export function inspectView(record: VolumeRecord): VolumeInspect {
  const orNull = (map: Record<string, string>) => (Object.keys(map).length > 0 ? map : null);
  return {
    CreatedAt: record.CreatedAt,
    Driver: record.Driver,
    Labels: orNull(record.Labels),
    Mountpoint: record.Mountpoint,
    Name: record.Name,
    Options: orNull(record.Options),
    Scope: record.Scope,
  };
}

/** Now as Docker writes CreatedAt: 2024-01-01T12:00:00Z. */
export function createdNow(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
