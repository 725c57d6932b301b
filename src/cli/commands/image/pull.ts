import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { ProgressView } from '../../output/progress';
import { familiarString, formatReference } from '../../../image/reference';

interface PullArgs {
  name: string;
  quiet?: boolean;
  platform?: string;
}

export const pull: Verb<PullArgs> = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  args: '<name>',
  options: (flags: FlagSet) =>
    flags
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress verbose output' })
      .option('platform', { type: 'string', describe: 'Set platform if server is multi-platform capable' }),
  async run(argv) {
    const engine = engineFor(argv);
    const progress = argv.quiet ? undefined : new ProgressView(process.stdout);
    const result = await engine.images.pull(argv.name, {
      platform: argv.platform,
      onEvent: (event) => {
        if (!progress) return;
        if (event.kind === 'resolved') {
          const ref = event.reference;
          out(`${ref.tag ?? ref.digest}: Pulling from ${ref.path}`);
        } else if (event.kind === 'layer') {
          progress.update(event);
        }
      },
    });
    progress?.finish();
    const ref = result.reference;
    if (!argv.quiet) {
      out(`Digest: ${result.digest}`);
      const shown = familiarString(ref);
      out(result.upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}`);
    }
    out(formatReference(ref));
  },
};
