/**
 * The state of one container, written atomically to
 * containers/<id>/state.json: the OCI runtime state (id, status, pid,
 * bundle) plus what Docker shows (name, image, times, exit code). The pid
 * is stored with its start time (field 22 of /proc/<pid>/stat), so a pid
 * reused by another process is never taken for the container.
 */
import * as fs from 'node:fs';
import { processStartTime } from '../sys/proc-stat';
import { OciStatus } from './status';
import type { ContainerConfig } from '../image/oci-types';

export interface ContainerState {
  ociVersion: string;
  id: string;
  status: OciStatus;
  pid?: number;
  pidStartTime?: string;
  bundle: string;
  annotations?: Record<string, string>;

  name: string;
  /** What the user typed (`busybox`), and the image ID it resolved to. */
  image: string;
  imageId: string;
  /** Top layer of the image: the container's rootfs stacks on it. */
  topLayer?: string;
  command: string[];
  /** The container's Config as Docker records it (image config + run options), for commit. */
  config?: ContainerConfig;
  created: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** Docker's Restarting: stopped, with the restart policy waiting out its back-off (derived on every read, restart-pending.ts). */
  restarting?: boolean;
  /** Set when the exit was not seen by berth (the monitor died): Docker shows such containers as exited (255)... */
  error?: string;
  labels: Record<string, string>;
  autoRemove: boolean;
  restartCount: number;
  /** The run options that created the container, for inspect and restart. */
  hostConfig: HostConfigSummary;
  /** The volumes mounted in the container (Docker's MountPoints of type volume). */
  volumes?: VolumeMountPoint[];
}

export interface VolumeMountPoint {
  name: string;
  destination: string;
  /** Fill a volume that was never populated with the image's content at `destination` (not with volume-nocopy). */
  copyData: boolean;
}

export interface HostConfigSummary {
  networkMode: string;
  privileged: boolean;
  readonlyRootfs: boolean;
  tty: boolean;
  interactive: boolean;
  init: boolean;
  restartPolicy: { name: string; maximumRetryCount: number };
  portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  binds: string[];
  /** Anonymous volumes created for this container (removed by rm -v). */
  anonymousVolumes: string[];
  stopSignal?: string;
  stopTimeout?: number;
}

export { processStartTime };

/** True when the state's pid still names the container's process (same start time), and it is not a zombie. */
export function processIsContainer(state: Pick<ContainerState, 'pid' | 'pidStartTime'>): boolean {
  if (!state.pid || !state.pidStartTime) return false;
  if (processStartTime(state.pid) !== state.pidStartTime) return false;
  try {
    const stat = fs.readFileSync(`/proc/${state.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
