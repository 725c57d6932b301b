import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';
import { humanSize, timeAgo } from '../../output/units';
import { goTimeString } from '../../output/time';

interface HistoryArgs {
  image: string;
  human?: boolean;
  quiet?: boolean;
  'no-trunc'?: boolean;
  format?: string;
}

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export const history: Verb<HistoryArgs> = {
  usage: '[OPTIONS] IMAGE',
  args: '<image>',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: true })
      .option('human', { alias: 'H', type: 'boolean', default: true, describe: 'Print sizes and dates in human readable format' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only show image IDs' })
      .option('no-trunc', { type: 'boolean', describe: "Don't truncate output" }),
  run(argv) {
    const rows = engineFor(argv).images.history(argv.image);
    const noTrunc = Boolean(argv['no-trunc']);
    const id = (v: string) => (v === '<missing>' || noTrunc ? v : v.slice(7, 19));
    if (argv.quiet) {
      out(rows.map((r) => id(r.Id)).join('\n'));
      return;
    }
    const shaped = rows.map((r) => {
      const createdBy = noTrunc || r.CreatedBy.length <= 45 ? r.CreatedBy : r.CreatedBy.slice(0, 44) + '…';
      return {
        ID: id(r.Id),
        CreatedSince: argv.human ? (r.CreatedAt ? timeAgo(r.CreatedAt) : 'N/A') : r.CreatedAt,
        CreatedAt: r.CreatedAt ? goTimeString(r.CreatedAt) : '',
        CreatedBy: createdBy,
        Size: argv.human ? humanSize(r.Size) : String(r.Size),
        Comment: r.Comment,
      };
    });
    const defaultTable = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
    out(renderFormat(argv.format, shaped, { defaultTable, headers: HEADERS }));
  },
};
