import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';

interface DiffArgs {
  container: string;
}

export const diff: Verb<DiffArgs> = {
  args: '<container>',
  describe: "Inspect changes to files or directories on a container's filesystem",
  options: (y: Argv) => y.positional('container', { type: 'string' }),
  run(argv) {
    const changes = engineFor(argv).containers.diff(argv.container);
    if (changes.length > 0) out(changes.map((c) => `${c.kind} ${c.path}`).join('\n'));
  },
};
