import { Verb } from '../../verb';
import { engineFor, out } from '../../context';

interface DiffArgs {
  container: string;
}

export const diff: Verb<DiffArgs> = {
  usage: 'CONTAINER',
  args: '<container>',
  run(argv) {
    const changes = engineFor(argv).containers.diff(argv.container);
    if (changes.length > 0) out(changes.map((c) => `${c.kind} ${c.path}`).join('\n'));
  },
};
