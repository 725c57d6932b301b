/**
 * The flags `run` and `create` share, with Docker's names, and their
 * translation into the engine's RunOptions. Values are parsed here (sizes,
 * CPUs, env, mounts) so that bad input fails before anything is created.
 */
import * as fs from 'node:fs';
import type { FlagSet } from '../../flags';
import { RunOptions, ResolvedMount, NetworkMode, IpcMode } from '../../../runtime/spec/run-options';
import { parseMemoryBytes, parseEnvFlag, parseEnvFile, parseRestartPolicy, parseUlimit, RestartPolicy } from '../../../runtime/spec/parse-flags';
import { parseVolumeFlag, parseMountFlag, MountRequest, tmpfsRequestOptions } from '../../../runtime/spec/parse-mounts';
import { validateName } from '../../../runtime/names';
import { UsageError } from '../../../errors/kinds';
import { ExitCode } from '../../../errors/exit-codes';
import { ResourceFlags, resourceFlagOptions, resourcesOfFlags } from './resource-flags';
import { CliRefusal } from '../../report';
import { withHelpText } from '../../usage';

export interface RunFlags extends ResourceFlags {
  image: string;
  /** The container's command: every argument after the image (flags end there). */
  command: string[];
  name?: string;
  rm?: boolean;
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  'env-file'?: string[];
  volume?: string[];
  mount?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  entrypoint?: string;
  network?: string;
  ipc?: string;
  privileged?: boolean;
  'cap-add'?: string[];
  'cap-drop'?: string[];
  'security-opt'?: string[];
  ulimit?: string[];
  'read-only'?: boolean;
  tmpfs?: string[];
  device?: string[];
  'shm-size'?: string;
  label?: string[];
  init?: boolean;
  'stop-signal'?: string;
  'stop-timeout'?: number;
  restart: string;
  pull: string;
  platform?: string;
  publish?: string[];
  'group-add'?: string[];
}

// One value per use of the flag, as Docker's list flags.
const list = { type: 'string', array: true } as const;

/** The flags `run` and `create` share, in Docker's words (create words --pull its own way). */
export function runFlagOptions(flags: FlagSet, verb: 'run' | 'create'): FlagSet {
  const pull = verb === 'run' ? 'Pull image before running ("always", "missing", "never")' : 'Pull image before creating ("always", "|missing", "never")';
  return resourceFlagOptions(flags, 'run')
    .option('name', { type: 'string', describe: 'Assign a name to the container' })
    .option('rm', { type: 'boolean', describe: 'Automatically remove the container and its associated anonymous volumes when it exits' })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY' })
    .option('env', { alias: 'e', ...list, describe: 'Set environment variables' })
    .option('env-file', { ...list, describe: 'Read in a file of environment variables' })
    .option('volume', { alias: 'v', ...list, describe: 'Bind mount a volume' })
    .option('mount', { ...list, valueName: 'mount', check: (m) => parseMountFlag(m, process.cwd()), describe: 'Attach a filesystem mount to the container' })
    .option('workdir', { alias: 'w', type: 'string', describe: 'Working directory inside the container' })
    .option('user', { alias: 'u', type: 'string', describe: 'Username or UID (format: <name|uid>[:<group|gid>])' })
    .option('hostname', { alias: 'h', type: 'string', describe: 'Container host name' })
    .option('entrypoint', { type: 'string', describe: 'Overwrite the default ENTRYPOINT of the image' })
    .option('network', { alias: 'net', type: 'string', valueName: 'network', describe: 'Connect a container to a network' })
    .option('ipc', { type: 'string', describe: 'IPC mode to use' })
    .option('privileged', { type: 'boolean', describe: 'Give extended privileges to this container' })
    .option('cap-add', { ...list, describe: 'Add Linux capabilities' })
    .option('cap-drop', { ...list, describe: 'Drop Linux capabilities' })
    .option('security-opt', { ...list, describe: 'Security Options' })
    .option('ulimit', { ...list, valueName: 'ulimit', defaultText: '[]', check: parseUlimit, describe: 'Ulimit options' })
    .option('read-only', { type: 'boolean', describe: "Mount the container's root filesystem as read only" })
    .option('tmpfs', { ...list, describe: 'Mount a tmpfs directory' })
    .option('device', { ...list, describe: 'Add a host device to the container' })
    .option('shm-size', { type: 'string', valueName: 'bytes', check: parseMemoryBytes, describe: 'Size of /dev/shm' })
    .option('label', { alias: 'l', ...list, describe: 'Set meta data on a container' })
    .option('init', { type: 'boolean', describe: 'Run an init inside the container that forwards signals and reaps processes' })
    .option('stop-signal', { type: 'string', describe: 'Signal to stop the container' })
    .option('stop-timeout', { type: 'number', describe: 'Timeout (in seconds) to stop a container' })
    .option('restart', { type: 'string', default: 'no', describe: 'Restart policy to apply when a container exits' })
    .option('pull', { type: 'string', default: 'missing', describe: pull })
    .option('platform', { type: 'string', describe: 'Set platform if server is multi-platform capable' })
    .option('publish', { alias: 'p', ...list, describe: "Publish a container's port(s) to the host" })
    .option('group-add', { ...list, describe: 'Add additional groups to join' });
}

function flagError(message: string): UsageError {
  return new UsageError(message, { exitCode: ExitCode.RuntimeFailure });
}

/**
 * What Docker's CLI refuses itself, before it asks the daemon (env files, volumes and mounts, restart policy,
 * pull policy): refused in its words, `berth: MESSAGE` and the help line, 125 (its withHelp). What dockerd
 * refuses stays an `Error: ...` line, as every error of the engine.
 */
export function clientSide<T>(verb: 'run' | 'create', parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UsageError) throw new CliRefusal(withHelpText(err.message, `berth ${verb}`), ExitCode.RuntimeFailure);
    throw err;
  }
}

function networkMode(value: string | undefined): NetworkMode {
  if (value === undefined || value === 'default' || value === 'bridge') return 'default';
  if (value === 'none' || value === 'host') return value;
  if (value.startsWith('container:')) {
    if (value === 'container:') throw flagError('invalid network mode: container: needs a container name or ID');
    return value as NetworkMode;
  }
  throw flagError(`network ${value} not found`);
}

function ipcMode(value: string | undefined): IpcMode | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'private' || value === 'shareable' || value === 'host') return value;
  if (value.startsWith('container:') && value !== 'container:') return value as IpcMode;
  throw flagError(`invalid IPC mode: ${value}`);
}

/** Binds are checked (and -v's source created) here; volumes keep their name for container create to resolve. */
function resolveMount(request: MountRequest): ResolvedMount {
  if (request.type === 'tmpfs') {
    return { type: 'tmpfs', source: '', destination: request.target, readonly: request.readonly, options: tmpfsRequestOptions(request) };
  }
  if (request.type === 'volume') {
    return { type: 'volume', source: request.source, destination: request.target, readonly: request.readonly, ...(request.noCopy ? { noCopy: true } : {}) };
  }
  if (!fs.existsSync(request.source)) {
    if (!request.createSource) throw flagError(`invalid mount config for type "bind": bind source path does not exist: ${request.source}`);
    fs.mkdirSync(request.source, { recursive: true });
  }
  return {
    type: 'bind',
    source: request.source,
    destination: request.target,
    readonly: request.readonly,
    propagation: request.propagation,
    nonRecursive: request.nonRecursive,
  };
}

/** --env-file entries, then -e entries (a bare `-e K` takes K from the caller's environment): run, create and exec. */
export function envFromFlags(flags: { env?: string[]; 'env-file'?: string[] }): string[] {
  const lookup = (key: string) => process.env[key];
  const fromFiles = (flags['env-file'] ?? []).flatMap((file) => {
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw flagError(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    return parseEnvFile(content, file, lookup);
  });
  return [...fromFiles, ...(flags.env ?? []).map((e) => parseEnvFlag(e, lookup))];
}

/** The engine's options for the flags of `verb`, or the refusal that Docker's CLI or dockerd makes. */
export function runOptionsOf(flags: RunFlags, verb: 'run' | 'create'): { options: RunOptions; restart: RestartPolicy } {
  const restart = clientSide(verb, () => parseRestartPolicy(flags.restart));
  if (flags.rm && restart.name !== 'no') {
    clientSide(verb, () => {
      throw flagError('conflicting options: cannot specify both --restart and --rm');
    });
  }
  if (flags.publish && flags.publish.length > 0) {
    throw flagError('publishing ports (-p) needs bridged networking, which berth does not have yet; use --network host and have the server listen on the host port');
  }
  if (flags.name !== undefined) validateName(flags.name);
  if (flags.hostname !== undefined && flags.network?.startsWith('container:')) throw flagError('conflicting options: hostname and the network mode');
  const env = clientSide(verb, () => envFromFlags(flags));
  const cwd = process.cwd();
  const requests = clientSide(verb, () => [
    ...(flags.volume ?? []).map((v) => parseVolumeFlag(v, cwd)),
    ...(flags.mount ?? []).map((m) => parseMountFlag(m, cwd)),
  ]);
  if (flags.workdir !== undefined && !flags.workdir.startsWith('/')) {
    throw flagError(`the working directory '${flags.workdir}' is invalid, it needs to be an absolute path`);
  }
  const labels: Record<string, string> = {};
  for (const l of flags.label ?? []) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const options: RunOptions = {
    name: flags.name,
    hostname: flags.hostname,
    user: flags.user,
    groupAdd: flags['group-add'],
    workdir: flags.workdir,
    env,
    entrypoint: flags.entrypoint,
    cmd: flags.command,
    tty: Boolean(flags.tty),
    interactive: Boolean(flags.interactive),
    privileged: Boolean(flags.privileged),
    capAdd: flags['cap-add'] ?? [],
    capDrop: flags['cap-drop'] ?? [],
    securityOpt: flags['security-opt'] ?? [],
    ulimits: flags.ulimit ?? [],
    readOnly: Boolean(flags['read-only']),
    tmpfs: flags.tmpfs ?? [],
    mounts: requests.map((r) => resolveMount(r)),
    devices: flags.device ?? [],
    ...resourcesOfFlags(flags),
    shmSize: flags['shm-size'] !== undefined ? parseMemoryBytes(flags['shm-size']) : undefined,
    network: networkMode(flags.network),
    ipc: ipcMode(flags.ipc),
    labels,
    init: Boolean(flags.init),
    stopSignal: flags['stop-signal'],
    stopTimeout: flags['stop-timeout'],
  };
  return { options, restart };
}
