import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { compileTemplate } from '../../output/template';
import { forEachReported } from '../../bulk';
import { inspectContainer } from '../../../api/containers/inspect';

interface InspectArgs {
  names: string[];
  format?: string;
  type?: 'container' | 'image';
}

/** Plain `inspect`: containers, then images (Docker's for every kind of object). */
export const inspect: Verb<InspectArgs> = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  args: '<names..>',
  options: (flags: FlagSet) => formatOption(flags, { table: false, short: 'f' }),
  async run(argv) {
    const engine = engineFor(argv);
    const found: unknown[] = [];
    await forEachReported(argv.names, (name) => {
      const container = argv.type === 'image' ? undefined : engine.containers.find(name);
      if (container) found.push(inspectContainer(container));
      else if (argv.type === 'container') engine.containers.get(name);
      else found.push(engine.images.inspect(name));
    });
    if (argv.format && argv.format !== 'json') {
      const render = compileTemplate(argv.format, { missingKey: 'error' });
      for (const item of found) out(render(item));
    } else {
      out(JSON.stringify(found, null, 4));
    }
  },
};

/** `image inspect` and `container inspect` look only at their own kind. */
export function inspectOf(type: 'container' | 'image'): Verb<InspectArgs> {
  const usage = type === 'image' ? '[OPTIONS] IMAGE [IMAGE...]' : '[OPTIONS] CONTAINER [CONTAINER...]';
  return { ...inspect, usage, run: (argv) => inspect.run({ ...argv, type }) };
}
