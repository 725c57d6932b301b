/**
 * The parts of Docker's HostConfig and MountPoints that a new container's
 * state records at create, because nothing else keeps them as Docker shows
 * them (the spec holds their effect, not the flag: a capability added, a
 * device node, a volume's mode). inspect.ts reads them back.
 */
import type { ResolvedMount, RunOptions } from '../../runtime/spec/run-options';
import type { HostConfigSummary, MountPointRecord } from '../../runtime/state';
import { parseDeviceFlag } from '../../runtime/spec/parse-device';
import type { AttachedVolumes } from './volume-mounts';

type Recorded = Pick<
  HostConfigSummary,
  'capAdd' | 'capDrop' | 'securityOpt' | 'groupAdd' | 'ipcMode' | 'cgroupParent' | 'tmpfs' | 'devices' | 'mounts'
>;

/** The CLI's spelling of a capability: upper case with the CAP_ prefix (ALL stays ALL). */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** --tmpfs TARGET[:OPTIONS] as Docker's HostConfig.Tmpfs keeps it: target -> options as typed. */
function tmpfsOf(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    map[colon < 0 ? value : value.slice(0, colon)] = colon < 0 ? '' : value.slice(colon + 1);
  }
  return map;
}

function mountPointOf(mount: ResolvedMount, volumeName: string | undefined, anonymous: boolean): MountPointRecord {
  switch (mount.type) {
    case 'bind':
      return {
        Type: 'bind',
        Source: mount.source,
        Destination: mount.destination,
        Mode: mount.readonly ? 'ro' : '',
        RW: !mount.readonly,
        Propagation: mount.propagation ?? 'rprivate',
      };
    case 'volume':
      // Docker gives a named volume's mount the SELinux mode `z` when no mode is typed.
      return {
        Type: 'volume',
        Name: volumeName ?? '',
        Source: mount.source,
        Destination: mount.destination,
        Driver: 'local',
        Mode: mount.readonly ? 'ro' : anonymous ? '' : 'z',
        RW: !mount.readonly,
        Propagation: '',
      };
    case 'tmpfs':
      return { Type: 'tmpfs', Source: '', Destination: mount.destination, Mode: '', RW: !mount.readonly, Propagation: '' };
  }
}

/** What create records for inspect, from the run options and the container's resolved volumes. */
export function recordedFlags(options: RunOptions, attached: Pick<AttachedVolumes, 'mounts' | 'mountPoints' | 'anonymous'>): Recorded {
  const anonymous = new Set(attached.anonymous);
  let volumeIndex = 0;
  const mounts = attached.mounts.map((mount) => {
    const name = mount.type === 'volume' ? attached.mountPoints[volumeIndex++]?.name : undefined;
    return mountPointOf(mount, name, name !== undefined && anonymous.has(name));
  });
  const list = (values: readonly string[] | undefined): string[] | undefined => (values && values.length > 0 ? [...values] : undefined);
  return {
    capAdd: list(options.capAdd.map(normalizeCapability)),
    capDrop: list(options.capDrop.map(normalizeCapability)),
    // dockerd adds label=disable for a privileged container (it turns SELinux labelling off).
    securityOpt: list(options.privileged && !options.securityOpt.includes('label=disable') ? [...options.securityOpt, 'label=disable'] : options.securityOpt),
    groupAdd: list(options.groupAdd),
    ipcMode: options.ipc,
    cgroupParent: options.cgroupParent,
    tmpfs: tmpfsOf(options.tmpfs),
    devices: options.devices.map(parseDeviceFlag).map((d) => ({
      PathOnHost: d.pathOnHost,
      PathInContainer: d.pathInContainer,
      CgroupPermissions: d.permissions,
    })),
    mounts,
  };
}
