import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { compileTemplate } from '../../output/template';
import { forEachReported } from '../../bulk';
import { inspectContainer } from '../../../api/containers/inspect';

interface InspectArgs {
  names: string[];
  format?: string;
  type?: 'container' | 'image';
}

export const inspect: Verb<InspectArgs> = {
  args: '<names..>',
  describe: 'Display detailed information on one or more images',
  options: (y: Argv) =>
    y
      .positional('names', { type: 'string', array: true, describe: 'IMAGE [IMAGE...]' })
      .option('format', { alias: 'f', type: 'string', describe: 'Format output using a custom template' }),
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

/** `image inspect` and `container inspect` look only at their own kind; plain `inspect` at both. */
export function inspectOf(type: 'container' | 'image', describe: string): Verb<InspectArgs> {
  return { ...inspect, describe, run: (argv) => inspect.run({ ...argv, type }) };
}
