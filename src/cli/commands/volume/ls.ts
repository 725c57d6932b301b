import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';

interface LsArgs {
  quiet?: boolean;
  format?: string;
  filter?: string[];
}

const HEADERS = {
  Driver: 'DRIVER',
  Name: 'VOLUME NAME',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  CreatedAt: 'CREATED',
};

export const ls: Verb<LsArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: true })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display volume names' })
      .option('filter', { alias: 'f', type: 'string', array: true, valueName: 'filter', describe: 'Provide filter values (e.g. "dangling=true")' }),
  run(argv) {
    const volumes = engineFor(argv).volumes.list({ filters: argv.filter });
    if (argv.quiet) {
      out(volumes.map((v) => v.Name).join('\n'));
      return;
    }
    const rows = volumes.map((v) => ({
      Name: v.Name,
      Driver: v.Driver,
      Scope: v.Scope,
      Mountpoint: v.Mountpoint,
      CreatedAt: v.CreatedAt,
      Labels: Object.entries(v.Labels).map(([k, val]) => `${k}=${val}`).join(','),
      Links: 'N/A',
      Size: 'N/A',
    }));
    out(renderFormat(argv.format, rows, { defaultTable: 'table {{.Driver}}\t{{.Name}}', headers: HEADERS }));
  },
};
