import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { printInspected, type Inspected } from '../../output/inspect-output';
import { CONTAINER_SHAPE, IMAGE_SHAPE } from '../../output/go-values';
import { NotFoundError } from '../../../errors/kinds';
import type { Berth } from '../../../api/engine';

interface InspectArgs {
  names: string[];
  format?: string;
  type?: 'container' | 'image';
}

/** A container or an image by name: `type` restricts the search; plain `inspect` tries containers, then images. */
function lookup(engine: Berth, name: string, type: InspectArgs['type']): Inspected {
  if (type === 'container') return { doc: engine.containers.inspect(name), shape: CONTAINER_SHAPE };
  if (type === 'image') return { doc: engine.images.inspect(name), shape: IMAGE_SHAPE };
  if (engine.containers.store.find(name)) return { doc: engine.containers.inspect(name), shape: CONTAINER_SHAPE };
  if (engine.images.exists(name)) return { doc: engine.images.inspect(name), shape: IMAGE_SHAPE };
  throw new NotFoundError(`No such object: ${name}`);
}

export const inspect: Verb<InspectArgs> = {
  args: '<names..>',
  describe: 'Display detailed information on one or more images',
  options: (y: Argv) =>
    y
      .positional('names', { type: 'string', array: true, describe: 'IMAGE [IMAGE...]' })
      .option('format', { alias: 'f', type: 'string', describe: 'Format output using a custom template' }),
  run(argv) {
    const engine = engineFor(argv);
    printInspected(argv.names, (name) => lookup(engine, name, argv.type), argv.format);
  },
};

/** `image inspect` and `container inspect` look only at their own kind; plain `inspect` at both. */
export function inspectOf(type: 'container' | 'image', describe: string): Verb<InspectArgs> {
  return { ...inspect, describe, run: (argv) => inspect.run({ ...argv, type }) };
}
