import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { compileTemplate } from '../../output/template';
import { forEachReported } from '../../bulk';

interface InspectArgs {
  volumes: string[];
  format?: string;
}

export const inspect: Verb<InspectArgs> = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  args: '<volumes..>',
  options: (flags: FlagSet) => formatOption(flags, { table: false, short: 'f' }),
  async run(argv) {
    const volumes = engineFor(argv).volumes;
    const found: unknown[] = [];
    await forEachReported(argv.volumes, (name) => {
      found.push(volumes.inspect(name));
    });
    if (argv.format && argv.format !== 'json') {
      const render = compileTemplate(argv.format, { missingKey: 'error' });
      for (const item of found) out(render(item));
    } else {
      out(JSON.stringify(found, null, 4));
    }
  },
};
