import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { renderFormat } from '../../output/template';
import { humanSize } from '../../output/units';
import { DiskUsageRow } from '../../../api/system/system';

interface DfArgs {
  format?: string;
}

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };
const DEFAULT_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';

/** docker/cli's disk usage row: go-units HumanSize (4 digits), the reclaimable share as an integer percentage. */
export function diskUsageView(row: DiskUsageRow): Record<string, string> {
  const reclaimable = humanSize(row.Reclaimable, 4);
  return {
    Type: row.Type,
    TotalCount: String(row.TotalCount),
    Active: String(row.Active),
    Size: humanSize(row.Size, 4),
    Reclaimable: row.Size > 0 ? `${reclaimable} (${Math.trunc((row.Reclaimable * 100) / row.Size)}%)` : reclaimable,
  };
}

export const df: Verb<DfArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) => formatOption(flags, { table: true }),
  run(argv) {
    const rows = engineFor(argv).system.diskUsage().map(diskUsageView);
    out(renderFormat(argv.format, rows, { defaultTable: DEFAULT_TABLE, headers: HEADERS }));
  },
};
