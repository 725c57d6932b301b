import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { ProgressView } from '../../output/progress';

interface PushArgs {
  name: string;
  'all-tags'?: boolean;
  quiet?: boolean;
}

export const push: Verb<PushArgs> = {
  usage: '[OPTIONS] NAME[:TAG]',
  args: '<name>',
  options: (flags: FlagSet) =>
    flags
      .option('all-tags', { alias: 'a', type: 'boolean', describe: 'Push all tags of an image to the repository' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress verbose output' }),
  async run(argv) {
    const quiet = Boolean(argv.quiet);
    let progress: ProgressView | undefined;
    const pushed = await engineFor(argv).images.push(argv.name, {
      allTags: argv['all-tags'],
      onEvent: (event) => {
        if (quiet) return;
        if (event.kind === 'repository') {
          out(`The push refers to repository [${event.name}]`);
        } else if (event.kind === 'layer') {
          progress ??= new ProgressView(process.stdout);
          progress.update(event);
        } else {
          progress?.finish();
          progress = undefined;
          out(`${event.tag}: digest: ${event.digest} size: ${event.size}`);
        }
      },
    });
    if (quiet) {
      for (const p of pushed) out(`${argv.name.replace(/:[^/:]*$/, '')}:${p.tag}`);
    }
  },
};
