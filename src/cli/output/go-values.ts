/**
 * Go values that JSON cannot tell apart, for templates run over Docker's
 * typed documents (`inspect -f`): a nil slice prints `[]` and a nil map
 * `map[]` where a nil pointer prints `<nil>`, though all three are `null`
 * in JSON; and the members of a set (`map[string]struct{}`: ExposedPorts,
 * Volumes) print `{}` where an empty map prints `map[]`. A field the JSON
 * leaves out (omitempty) is still there in the Go struct, at its zero value.
 *
 * A document is typed by a shape: the dotted paths (`*` for any key) of its
 * slices, its maps and its sets. Typed values serialise back as JSON did.
 */

/** A nil slice or map of Go. */
export class GoNil {
  constructor(readonly kind: 'slice' | 'map') {}

  toJSON(): null {
    return null;
  }
}

/** A struct field that JSON omits when empty: templates see its zero value, JSON leaves it out again. */
export class GoAbsent {
  constructor(readonly zero: unknown) {}

  toJSON(): undefined {
    return undefined;
  }
}

/** A value of Go's empty struct type, `struct{}`. */
export class GoEmptyStruct {
  toJSON(): Record<string, never> {
    return {};
  }
}

export const NIL_SLICE = new GoNil('slice');
export const NIL_MAP = new GoNil('map');
export const EMPTY_STRUCT = new GoEmptyStruct();

/** How Go's %v prints them. */
export function formatGoSpecial(v: unknown): string | undefined {
  if (v instanceof GoNil) return v.kind === 'slice' ? '[]' : 'map[]';
  if (v instanceof GoAbsent) return v.zero === null ? '<nil>' : formatGoSpecial(v.zero) ?? String(v.zero);
  if (v instanceof GoEmptyStruct) return '{}';
  return undefined;
}

export interface GoShape {
  slices: string[];
  maps: string[];
  /** Maps whose values are struct{}. */
  sets: string[];
  /** omitempty fields, by path, with their zero value (as the template sees it when JSON left them out). */
  absent?: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies `change` to the value at each place `path` names (a `*` segment is every key). */
function visit(doc: Record<string, unknown>, path: string[], change: (value: unknown) => unknown): void {
  const [head, ...rest] = path;
  const keys = head === '*' ? Object.keys(doc) : [head];
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(doc, key)) continue;
    if (rest.length === 0) doc[key] = change(doc[key]);
    else if (isObject(doc[key])) visit(doc[key] as Record<string, unknown>, rest, change);
  }
}

/** A copy of `doc` with its nil slices, nil maps and set members typed as `shape` says. */
export function typedByShape<T>(doc: T, shape: GoShape): T {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const path of shape.sets) {
    visit(copy, path.split('.'), (set) => {
      if (!isObject(set)) return set;
      return Object.fromEntries(Object.keys(set).map((k) => [k, EMPTY_STRUCT]));
    });
  }
  for (const path of shape.slices) visit(copy, path.split('.'), (v) => (v === null ? NIL_SLICE : v));
  for (const path of shape.maps) visit(copy, path.split('.'), (v) => (v === null ? NIL_MAP : v));
  for (const [path, zero] of Object.entries(shape.absent ?? {})) {
    const parts = path.split('.');
    const name = parts.pop() as string;
    const add = (parent: unknown): unknown => {
      if (isObject(parent) && !Object.prototype.hasOwnProperty.call(parent, name)) parent[name] = new GoAbsent(zero);
      return parent;
    };
    if (parts.length === 0) add(copy);
    else visit(copy, parts, add);
  }
  return copy as T;
}

const CONFIG_SLICES = ['Env', 'Cmd', 'Entrypoint', 'OnBuild', 'Shell'];
const CONFIG_MAPS = ['Volumes', 'Labels', 'ExposedPorts'];
const under = (prefix: string, names: string[]): string[] => names.map((n) => `${prefix}.${n}`);
/** The omitempty fields of Docker's container Config. */
const configAbsent = (prefix: string): Record<string, unknown> => ({
  [`${prefix}.ExposedPorts`]: NIL_MAP,
  [`${prefix}.Healthcheck`]: null,
  [`${prefix}.ArgsEscaped`]: false,
  [`${prefix}.NetworkDisabled`]: false,
  [`${prefix}.MacAddress`]: '',
  [`${prefix}.StopSignal`]: '',
  [`${prefix}.StopTimeout`]: null,
  [`${prefix}.Shell`]: NIL_SLICE,
});

/** docker/api types.ContainerJSON. */
export const CONTAINER_SHAPE: GoShape = {
  slices: [
    'Args',
    'ExecIDs',
    'Mounts',
    ...under('HostConfig', [
      'Binds', 'CapAdd', 'CapDrop', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'GroupAdd', 'Links', 'SecurityOpt',
      'VolumesFrom', 'DeviceCgroupRules', 'DeviceRequests', 'BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps',
      'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'Devices', 'Ulimits', 'MaskedPaths', 'ReadonlyPaths', 'ConsoleSize',
    ]),
    ...under('Config', CONFIG_SLICES),
    'NetworkSettings.SecondaryIPAddresses',
    'NetworkSettings.SecondaryIPv6Addresses',
    'NetworkSettings.Networks.*.Links',
    'NetworkSettings.Networks.*.Aliases',
  ],
  maps: [
    ...under('HostConfig', ['PortBindings', 'LogConfig.Config', 'Tmpfs', 'Sysctls', 'StorageOpt']),
    ...under('Config', CONFIG_MAPS),
    'NetworkSettings.Ports',
    'NetworkSettings.Networks',
    'NetworkSettings.Networks.*.DriverOpts',
    'GraphDriver.Data',
  ],
  sets: ['Config.ExposedPorts', 'Config.Volumes'],
  absent: {
    'State.Health': null,
    Node: null,
    SizeRw: null,
    SizeRootFs: null,
    'HostConfig.Tmpfs': NIL_MAP,
    'HostConfig.Sysctls': NIL_MAP,
    'HostConfig.StorageOpt': NIL_MAP,
    'HostConfig.Mounts': NIL_SLICE,
    'HostConfig.Init': null,
    ...configAbsent('Config'),
  },
};

/** docker/api types.ImageInspect. */
export const IMAGE_SHAPE: GoShape = {
  slices: ['RepoTags', 'RepoDigests', 'RootFS.Layers', ...under('Config', CONFIG_SLICES), ...under('ContainerConfig', CONFIG_SLICES)],
  maps: [...under('Config', CONFIG_MAPS), ...under('ContainerConfig', CONFIG_MAPS), 'GraphDriver.Data'],
  sets: ['Config.ExposedPorts', 'Config.Volumes', 'ContainerConfig.ExposedPorts', 'ContainerConfig.Volumes'],
  absent: { Variant: '', OsVersion: '', ...configAbsent('Config'), ...configAbsent('ContainerConfig') },
};

/** docker/api volume.Volume. */
export const VOLUME_SHAPE: GoShape = { slices: [], maps: ['Labels', 'Options', 'Status'], sets: [] };
