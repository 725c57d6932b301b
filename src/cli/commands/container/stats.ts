import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';
import { formatOption } from '../../output/format-flag';
import { humanBinarySize, humanSize } from '../../output/units';
import { ContainerStats } from '../../../api/containers/stats';

interface StatsArgs {
  containers: string[];
  all?: boolean;
  'no-stream'?: boolean;
  'no-trunc'?: boolean;
  format?: string;
}

const HEADERS = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** The row docker/cli's stats formatter shows: percentages with 2 decimals, memory in binary units, I/O in decimal ones. */
export function statsView(s: ContainerStats, shownAs: string, noTrunc: boolean): Record<string, string> {
  return {
    Container: shownAs,
    ID: noTrunc ? s.id : s.id.slice(0, 12),
    Name: s.name,
    CPUPerc: `${s.cpuPercent.toFixed(2)}%`,
    MemUsage: `${humanBinarySize(s.memoryUsage)} / ${humanBinarySize(s.memoryLimit)}`,
    MemPerc: `${s.memoryPercent.toFixed(2)}%`,
    NetIO: `${humanSize(s.netRx)} / ${humanSize(s.netTx)}`,
    BlockIO: `${humanSize(s.blockRead)} / ${humanSize(s.blockWrite)}`,
    PIDs: String(s.pids),
  };
}

export const stats: Verb<StatsArgs> = {
  usage: '[OPTIONS] [CONTAINER...]',
  args: '[containers..]',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all containers (default shows just running)' })
      .option('no-stream', { type: 'boolean', describe: 'Disable streaming stats and only pull the first result' })
      .option('no-trunc', { type: 'boolean', describe: 'Do not truncate output' }),
  async run(argv) {
    const engine = engineFor(argv);
    const named = argv.containers;
    for (;;) {
      const refs = named.length > 0 ? named : argv.all ? engine.containers.list({ all: true }).map((c) => c.id) : [];
      const rows = await engine.containers.stats(refs);
      const views = rows.map((s, i) => statsView(s, named[i] ?? s.id.slice(0, 12), Boolean(argv['no-trunc'])));
      const text = renderFormat(argv.format, views, { defaultTable: DEFAULT_TABLE, headers: HEADERS });
      if (argv['no-stream']) {
        out(text);
        return;
      }
      // Streaming: redraw in place on a terminal, as docker stats does; one table per second otherwise.
      process.stdout.write(process.stdout.isTTY ? `\x1b[2J\x1b[H${text}` : text);
    }
  },
};
