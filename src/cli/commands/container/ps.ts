import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';
import { formatOption } from '../../output/format-flag';
import { humanDuration, timeAgo } from '../../output/units';
import { goTimeString } from '../../output/time';
import { ContainerState } from '../../../runtime/state';
import { dockerStateOf } from '../../../runtime/status';
import { UsageError } from '../../../errors/kinds';

interface PsArgs {
  all?: boolean;
  quiet?: boolean;
  latest?: boolean;
  last: number;
  'no-trunc'?: boolean;
  filter?: string[];
  format?: string;
}

const HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', RunningFor: 'CREATED', CreatedAt: 'CREATED AT',
  Status: 'STATUS', Ports: 'PORTS', Names: 'NAMES', State: 'STATE', Labels: 'LABELS',
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
    default:
      return 'Created';
  }
}

function matches(c: ContainerState, filter: string): boolean {
  const eq = filter.indexOf('=');
  if (eq < 0) throw new UsageError(`Error response from daemon: invalid filter '${filter}'`);
  const key = filter.slice(0, eq);
  const value = filter.slice(eq + 1);
  switch (key) {
    case 'status':
      return dockerStateOf(c) === value;
    case 'name':
      return new RegExp(value).test(c.name);
    case 'id':
      return c.id.startsWith(value);
    case 'label': {
      const [k, v] = value.split('=', 2);
      return k in c.labels && (v === undefined || c.labels[k] === v);
    }
    case 'ancestor':
      return c.image === value || c.imageId === value || c.imageId.slice(7).startsWith(value);
    case 'exited':
      return c.status === 'stopped' && String(c.exitCode) === value;
    default:
      throw new UsageError(`invalid filter '${key}'`);
  }
}

export const ps: Verb<PsArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all containers (default shows just running)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display container IDs' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Show the latest created container (includes all states)' })
      .option('last', { alias: 'n', type: 'number', default: -1, describe: 'Show n last created containers (includes all states)' })
      .option('no-trunc', { type: 'boolean', describe: "Don't truncate output" })
      .option('filter', { alias: 'f', type: 'string', array: true, valueName: 'filter', describe: 'Filter output based on conditions provided' }),
  run(argv) {
    const engine = engineFor(argv);
    // Docker: a limit (-n N, or -l for 1) lists stopped containers too; -n 0 or below is no limit.
    const limit = argv.last > 0 ? argv.last : argv.latest ? 1 : undefined;
    const showAll = argv.all || limit !== undefined || (argv.filter ?? []).some((f) => f.startsWith('status='));
    let list = engine.containers.list({ all: showAll });
    for (const f of argv.filter ?? []) list = list.filter((c) => matches(c, f));
    if (limit !== undefined) list = list.slice(0, limit);
    const noTrunc = Boolean(argv['no-trunc']);
    if (argv.quiet) {
      out(list.map((c) => (noTrunc ? c.id : c.id.slice(0, 12))).join('\n'));
      return;
    }
    const rows = list.map((c) => {
      const command = c.command.join(' ');
      return {
        Command: noTrunc ? JSON.stringify(command) : JSON.stringify(command.length > 20 ? command.slice(0, 19) + '…' : command),
        CreatedAt: goTimeString(c.created),
        ID: noTrunc ? c.id : c.id.slice(0, 12),
        Image: c.image,
        Labels: Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(','),
        LocalVolumes: '0',
        Mounts: '',
        Names: c.name,
        Networks: c.hostConfig.networkMode,
        Ports: '',
        RunningFor: timeAgo(c.created),
        Size: 'N/A',
        State: dockerStateOf(c),
        Status: statusText(c),
      };
    });
    const defaultTable = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
    out(renderFormat(argv.format, rows, { defaultTable, headers: HEADERS }));
  },
};
