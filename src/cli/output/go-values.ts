/**
 * Go values that JSON cannot tell apart, for templates run over Docker's
 * typed documents (`inspect -f`): a nil slice prints `[]` and a nil map
 * `map[]` where a nil pointer prints `<nil>`, though all three are `null`
 * in JSON; and the members of a set (`map[string]struct{}`: ExposedPorts,
 * Volumes) print `{}` where an empty map prints `map[]`. A field the JSON
 * leaves out (omitempty) is still there in the Go struct, at its zero value,
 * and a struct prints as its values in field order, `{running true ...}`.
 *
 * Docker's CLI runs a template on its Go types and, only when that fails
 * (a field spelled as the JSON key where Go's name differs: CpuShares for
 * CPUShares), again on the raw JSON decoded into maps. berth always gives
 * the typed values.
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
  /** Structs, by path, with Go's field order ([]: the document's key order, absent fields last). */
  structs?: Record<string, string[]>;
}

const STRUCT_FIELDS = new WeakMap<object, string[]>();

/** The fields of a value typed as a Go struct, in order; undefined for anything else. */
export function structFields(v: unknown): string[] | undefined {
  return typeof v === 'object' && v !== null ? STRUCT_FIELDS.get(v) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies `change` to the value at each place `path` names (a `*` segment is every key or element). */
function visit(doc: Record<string, unknown> | unknown[], path: string[], change: (value: unknown) => unknown): void {
  const [head, ...rest] = path;
  const node = doc as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(node) : [head];
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
    if (rest.length === 0) node[key] = change(node[key]);
    else if (isObject(node[key]) || Array.isArray(node[key])) visit(node[key] as Record<string, unknown>, rest, change);
  }
}

/** A deep copy of a JSON-like document made of this realm's plain objects and arrays. */
function copyPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyPlain);
  if (isObject(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyPlain(x)]));
  }
  return v;
}

/** A copy of `doc` with its nil slices, nil maps and set members typed as `shape` says. */
export function typedByShape<T>(doc: T, shape: GoShape): T {
  const copy = copyPlain(doc) as Record<string, unknown>;
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
  for (const [path, order] of Object.entries(shape.structs ?? {})) {
    visit(copy, path.split('.'), (v) => {
      if (isObject(v)) STRUCT_FIELDS.set(v, order.length > 0 ? order : Object.keys(v));
      return v;
    });
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
    'Mounts.*.Name': '',
    'Mounts.*.Driver': '',
    ...configAbsent('Config'),
  },
  structs: {
    State: [],
    'HostConfig.RestartPolicy': [],
    'HostConfig.LogConfig': [],
    'HostConfig.Devices.*': [],
    'HostConfig.Ulimits.*': [],
    'Mounts.*': ['Type', 'Name', 'Source', 'Destination', 'Driver', 'Mode', 'RW', 'Propagation'],
    GraphDriver: [],
    Config: [
      'Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'ExposedPorts', 'Tty', 'OpenStdin',
      'StdinOnce', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint',
      'NetworkDisabled', 'MacAddress', 'OnBuild', 'Labels', 'StopSignal', 'StopTimeout', 'Shell',
    ],
  },
};

/** docker/api types.ImageInspect. */
export const IMAGE_SHAPE: GoShape = {
  slices: ['RepoTags', 'RepoDigests', 'RootFS.Layers', ...under('Config', CONFIG_SLICES), ...under('ContainerConfig', CONFIG_SLICES)],
  maps: [...under('Config', CONFIG_MAPS), ...under('ContainerConfig', CONFIG_MAPS), 'GraphDriver.Data'],
  sets: ['Config.ExposedPorts', 'Config.Volumes', 'ContainerConfig.ExposedPorts', 'ContainerConfig.Volumes'],
  absent: { Variant: '', OsVersion: '', ...configAbsent('Config'), ...configAbsent('ContainerConfig') },
  structs: { RootFS: [], Metadata: [], GraphDriver: [] },
};

/** docker/api volume.Volume. */
export const VOLUME_SHAPE: GoShape = { slices: [], maps: ['Labels', 'Options', 'Status'], sets: [] };
