import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { StoreError } from '../../../errors/kinds';

export const check: Verb = {
  usage: '',
  async run(argv) {
    const problems = await engineFor(argv).store.check();
    if (problems.length === 0) {
      out('No problems found');
      return;
    }
    for (const p of problems) out(`${p.object}: ${p.problem}`);
    throw new StoreError(`system check: ${problems.length} problem${problems.length === 1 ? '' : 's'} found`);
  },
};
