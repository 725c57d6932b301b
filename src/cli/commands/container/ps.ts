import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';
import { formatOption } from '../../output/format-flag';
import { humanDuration, humanSize, timeAgo } from '../../output/units';
import { goTimeString } from '../../output/time';
import { goQuote } from '../../output/go-fmt';
import { ContainerState } from '../../../runtime/state';
import { dockerStateOf } from '../../../runtime/status';
import { NotFoundError, UsageError } from '../../../errors/kinds';
import type { Berth } from '../../../api/engine';

interface PsArgs {
  all?: boolean;
  quiet?: boolean;
  latest?: boolean;
  last: number;
  size?: boolean;
  'no-trunc'?: boolean;
  filter?: string[];
  format?: string;
}

const HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', RunningFor: 'CREATED', CreatedAt: 'CREATED AT',
  Status: 'STATUS', Ports: 'PORTS', Names: 'NAMES', State: 'STATE', Labels: 'LABELS', Size: 'SIZE',
  Mounts: 'MOUNTS', Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES', Label: 'LABEL', Platform: 'PLATFORM',
};

/** Docker's STATUS column: `Up 2 minutes`, `Exited (0) 3 seconds ago`, `Created`. */
export function statusText(c: ContainerState, now = Date.now()): string {
  switch (dockerStateOf(c)) {
    case 'running':
      return `Up ${humanDuration(now - Date.parse(c.startedAt ?? c.created))}`;
    case 'paused':
      return `Up ${humanDuration(now - Date.parse(c.startedAt ?? c.created))} (Paused)`;
    case 'restarting':
      return `Restarting (${c.exitCode ?? 0}) ${timeAgo(c.finishedAt ?? c.created, now)}`;
    case 'exited':
      return `Exited (${c.exitCode ?? 0}) ${timeAgo(c.finishedAt ?? c.created, now)}`;
    case 'dead':
      return 'Dead';
    case 'removing':
      return 'Removal In Progress';
    default:
      return 'Created';
  }
}

/** dockerd's COMMAND: the path and arguments, an argument holding a space in single quotes. */
export function commandText(command: readonly string[]): string {
  const [path = '', ...args] = command;
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

/** The CLI's Ellipsis: at most `width` characters, the last one `…` when cut. */
function ellipsis(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

const FILTER_KEYS = [
  'ancestor', 'before', 'exited', 'health', 'id', 'label', 'name', 'status', 'since', 'volume', 'network', 'publish',
  'expose', 'isolation', 'is-task',
];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

interface Filter {
  key: string;
  value: string;
}

/** The filters, checked before any container is listed (dockerd refuses a bad one even with no container). */
function parseFilters(args: readonly string[], engine: Berth): Array<(c: ContainerState) => boolean> {
  const filters: Filter[] = args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq < 0) throw new UsageError('bad format of filter (expected name=value)');
    const key = arg.slice(0, eq).trim().toLowerCase();
    if (!FILTER_KEYS.includes(key)) throw new UsageError(`Invalid filter '${key}'`);
    return { key, value: arg.slice(eq + 1) };
  });
  const byKey = new Map<string, string[]>();
  for (const f of filters) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f.value]);
  const created = (ref: string): number => {
    const found = engine.containers.find(ref);
    if (!found) throw new NotFoundError(`no such container ${ref}`);
    return Date.parse(found.created);
  };
  const tests: Array<(c: ContainerState) => boolean> = [];
  for (const [key, values] of byKey) {
    // Values of one key: any may match (labels: every one must).
    const any = (test: (c: ContainerState, value: string) => boolean) => tests.push((c) => values.some((v) => test(c, v)));
    switch (key) {
      case 'status':
        for (const v of values) if (!STATUSES.includes(v)) throw new UsageError(`Invalid filter 'status=${v}'`);
        any((c, v) => dockerStateOf(c) === v);
        break;
      case 'name':
        any((c, v) => new RegExp(v).test(c.name));
        break;
      case 'id':
        any((c, v) => c.id.startsWith(v));
        break;
      case 'label':
        tests.push((c) =>
          values.every((v) => {
            const eq = v.indexOf('=');
            const k = eq < 0 ? v : v.slice(0, eq);
            return k in c.labels && (eq < 0 || c.labels[k] === v.slice(eq + 1));
          }),
        );
        break;
      case 'ancestor':
        any((c, v) => c.image === v || c.imageId === v || c.imageId.slice(7).startsWith(v));
        break;
      case 'exited':
        for (const v of values) if (!/^-?\d+$/.test(v)) throw new UsageError(`Invalid filter 'exited=${v}'`);
        any((c, v) => c.status === 'stopped' && String(c.exitCode ?? 0) === v);
        break;
      case 'before': {
        const limit = created(values[values.length - 1]);
        tests.push((c) => Date.parse(c.created) < limit);
        break;
      }
      case 'since': {
        const limit = created(values[values.length - 1]);
        tests.push((c) => Date.parse(c.created) > limit);
        break;
      }
      case 'volume':
        any((c, v) => (c.hostConfig.mounts ?? []).some((m) => m.Name === v || m.Source === v || m.Destination === v));
        break;
      case 'network':
        any((c, v) => c.hostConfig.networkMode === v);
        break;
      case 'is-task':
        any((_c, v) => v !== 'true');
        break;
      default:
        // health, publish, expose, isolation: no berth container has a health check, a port or an isolation.
        tests.push(() => false);
    }
  }
  return tests;
}

export const ps: Verb<PsArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all containers (default shows just running)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display container IDs' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Show the latest created container (includes all states)' })
      .option('last', { alias: 'n', type: 'number', default: -1, describe: 'Show n last created containers (includes all states)' })
      .option('size', { alias: 's', type: 'boolean', describe: 'Display total file sizes' })
      .option('no-trunc', { type: 'boolean', describe: "Don't truncate output" })
      .option('filter', { alias: 'f', type: 'string', array: true, valueName: 'filter', describe: 'Filter output based on conditions provided' }),
  run(argv) {
    const engine = engineFor(argv);
    const tests = parseFilters(argv.filter ?? [], engine);
    // Docker: a limit (-n N, or -l for 1) lists stopped containers too; -n 0 or below is no limit.
    const limit = argv.last > 0 ? argv.last : argv.latest ? 1 : undefined;
    const showAll = argv.all || limit !== undefined || (argv.filter ?? []).some((f) => f.startsWith('status='));
    let list = engine.containers.list({ all: showAll }).filter((c) => tests.every((test) => test(c)));
    if (limit !== undefined) list = list.slice(0, limit);
    const noTrunc = Boolean(argv['no-trunc']);
    if (argv.quiet) {
      out(list.map((c) => (noTrunc ? c.id : c.id.slice(0, 12))).join('\n'));
      return;
    }
    const rows = list.map((c) => {
      const command = commandText(c.command);
      const mounts = c.hostConfig.mounts ?? [];
      const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).sort();
      const networks = c.hostConfig.networkMode.startsWith('container:') ? '' : c.hostConfig.networkMode;
      const row = {
        Command: goQuote(noTrunc ? command : ellipsis(command, 20)),
        CreatedAt: goTimeString(c.created),
        ID: noTrunc ? c.id : c.id.slice(0, 12),
        Image: c.image,
        Labels: labels.join(','),
        LocalVolumes: String(mounts.filter((m) => m.Driver === 'local').length),
        Mounts: mounts.map((m) => (noTrunc ? m.Name || m.Source : ellipsis(m.Name || m.Source, 15))).join(','),
        Names: c.name,
        Networks: networks,
        Platform: null,
        Ports: '',
        RunningFor: timeAgo(c.created),
        // Sizes are counted only when the format shows them (Docker asks the daemon for them only then).
        get Size(): string {
          const size = engine.containers.layerSize(c);
          const rw = humanSize(size.rw);
          return size.rootFs > 0 ? `${rw} (virtual ${humanSize(size.rootFs)})` : rw;
        },
        State: dockerStateOf(c),
        Status: statusText(c),
        Label: (name: string): string => c.labels[name] ?? '',
      };
      return row;
    });
    const columns = '{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
    const defaultTable = `table ${columns}${argv.size ? '\t{{.Size}}' : ''}`;
    out(renderFormat(argv.format, rows, { defaultTable, headers: HEADERS }));
  },
};
