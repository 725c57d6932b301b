import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { compileTemplate } from '../../output/template';
import { forEachReported } from '../../bulk';

interface InspectArgs {
  volumes: string[];
  format?: string;
}

export const inspect: Verb<InspectArgs> = {
  args: '<volumes..>',
  describe: 'Display detailed information on one or more volumes',
  options: (y: Argv) =>
    y
      .positional('volumes', { type: 'string', array: true, describe: 'VOLUME [VOLUME...]' })
      .option('format', { alias: 'f', type: 'string', describe: 'Format output using a custom template' }),
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
