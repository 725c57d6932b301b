import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';
import { humanSize, timeAgo } from '../../output/units';
import { goTimeString } from '../../output/time';

interface LsArgs {
  repository?: string;
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  'no-trunc'?: boolean;
  filter?: string[];
  format?: string;
}

const HEADERS = {
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  ID: 'IMAGE ID',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
};

export const ls: Verb<LsArgs> = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  args: '[repository]',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all images (default hides intermediate images)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only show image IDs' })
      .option('digests', { type: 'boolean', describe: 'Show digests' })
      .option('no-trunc', { type: 'boolean', describe: "Don't truncate output" })
      .option('filter', { alias: 'f', type: 'string', array: true, valueName: 'filter', describe: 'Filter output based on conditions provided' }),
  run(argv) {
    const images = engineFor(argv).images.list({ reference: argv.repository, filters: argv.filter });
    const noTrunc = Boolean(argv['no-trunc']);
    if (argv.quiet) {
      const ids = [...new Set(images.map((i) => (noTrunc ? i.Id : i.Id.slice(7, 19))))];
      out(ids.join('\n'));
      return;
    }
    const rows = images.map((i) => {
      const size = humanSize(i.Size);
      // go-units: the table's SIZE has 3 significant digits, VirtualSize (HumanSize) 4.
      return {
        Containers: 'N/A',
        CreatedAt: goTimeString(i.CreatedAt),
        CreatedSince: timeAgo(i.CreatedAt),
        Digest: i.Digest,
        ID: noTrunc ? i.Id : i.Id.slice(7, 19),
        Repository: i.Repository,
        SharedSize: 'N/A',
        Size: size,
        Tag: i.Tag,
        UniqueSize: 'N/A',
        VirtualSize: humanSize(i.Size, 4),
      };
    });
    const defaultTable = argv.digests
      ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
      : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    out(renderFormat(argv.format, rows, { defaultTable, headers: HEADERS }));
  },
};
