/**
 * The system half of the engine API, what spans images, containers and
 * volumes: Docker's `info`, `version`, `system df` and `system prune`.
 */
import * as os from 'node:os';
import { Settings } from '../../config/settings';
import { detectLayout } from '../../cgroups/detect';
import { bundlePaths } from '../../runtime/spec-to-init';
import { Images } from '../images/images';
import { RemoveLine } from '../images/views';
import { Containers } from '../containers/containers';
import type { PruneContainersResult } from '../containers/prune';
import { isActive } from '../../runtime/status';
import { directorySize } from '../containers/disk-usage';
import { Volumes } from '../volumes/volumes';
import { berthVersion, versionInfo, VersionInfo } from './version';
import { kernelVersion, operatingSystem } from './host';

export interface SystemInfo {
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  ServerVersion: string;
  /** The storage driver: overlayfs over the layer store. */
  Driver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  InitBinary: string;
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  /** uname -m, as Docker shows it (x86_64, aarch64). */
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Name: string;
  /** Docker's DockerRootDir. */
  BerthRootDir: string;
}

export type DiskUsageType = 'Images' | 'Containers' | 'Local Volumes';

export interface DiskUsageRow {
  Type: DiskUsageType;
  TotalCount: number;
  Active: number;
  /** Bytes. */
  Size: number;
  /** Bytes that removing the inactive ones would free. */
  Reclaimable: number;
}

export interface SystemPruneResult {
  containers: PruneContainersResult;
  images: { deleted: RemoveLine[]; reclaimed: number };
  reclaimed: number;
}

export class System {
  constructor(
    private readonly settings: Settings,
    private readonly images: Images,
    private readonly containers: Containers,
    private readonly volumes: Volumes,
  ) {}

  info(): SystemInfo {
    const all = this.containers.list({ all: true });
    const running = all.filter((c) => c.status === 'running').length;
    const paused = all.filter((c) => c.status === 'paused').length;
    return {
      Containers: all.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: all.length - running - paused,
      Images: this.images.store.images.list().length,
      ServerVersion: berthVersion(),
      Driver: 'overlay',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: String(detectLayout().version),
      InitBinary: 'docker-init',
      KernelVersion: kernelVersion(),
      OperatingSystem: operatingSystem(),
      OSType: 'linux',
      Architecture: os.machine(),
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      Name: os.hostname(),
      BerthRootDir: this.settings.root,
    };
  }

  version(): VersionInfo {
    return versionInfo();
  }

  /** Docker's `system df`: layers shared by images are counted once. */
  diskUsage(): DiskUsageRow[] {
    const containers = this.containers.list({ all: true });
    const usedImages = new Set(containers.map((c) => c.imageId));
    const layerSize = (chainId: string): number => {
      try {
        return this.images.store.layers.get(chainId).size;
      } catch {
        return 0;
      }
    };
    const allLayers = new Map<string, number>();
    const activeLayers = new Set<string>();
    const records = this.images.store.images.list();
    for (const record of records) {
      for (const layer of record.layers) {
        if (!allLayers.has(layer.chainId)) allLayers.set(layer.chainId, layerSize(layer.chainId));
        if (usedImages.has(record.id)) activeLayers.add(layer.chainId);
      }
    }
    const imagesSize = sum([...allLayers.values()]);
    const activeImagesSize = sum([...activeLayers].map((l) => allLayers.get(l) ?? 0));

    const containerSizes = containers.map((c) => ({ active: isActive(c), size: directorySize(bundlePaths(c.bundle).upper) }));
    const volumes = this.volumes.list().map((v) => ({
      active: this.containers.volumeUsers(v.Name).length > 0,
      size: this.volumes.store.diskUsage(v.Name),
    }));
    return [
      {
        Type: 'Images',
        TotalCount: records.length,
        Active: records.filter((r) => usedImages.has(r.id)).length,
        Size: imagesSize,
        Reclaimable: imagesSize - activeImagesSize,
      },
      row('Containers', containerSizes),
      row('Local Volumes', volumes),
    ];
  }

  /** Docker's `system prune`: stopped containers, then dangling images (every unused image with `all`). */
  async prune(options: { all?: boolean } = {}): Promise<SystemPruneResult> {
    const containers = await this.containers.prune();
    const images = await this.images.prune({ all: options.all });
    return { containers, images, reclaimed: containers.reclaimed + images.reclaimed };
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function row(type: DiskUsageType, items: Array<{ active: boolean; size: number }>): DiskUsageRow {
  return {
    Type: type,
    TotalCount: items.length,
    Active: items.filter((i) => i.active).length,
    Size: sum(items.map((i) => i.size)),
    Reclaimable: sum(items.filter((i) => !i.active).map((i) => i.size)),
  };
}
