import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { printInspected, type Inspected } from '../../output/inspect-output';
import { CONTAINER_SHAPE, IMAGE_SHAPE, VOLUME_SHAPE } from '../../output/go-values';
import { goQuote } from '../../output/go-fmt';
import { NotFoundError, UsageError } from '../../../errors/kinds';
import type { Berth } from '../../../api/engine';

interface InspectArgs {
  names: string[];
  format?: string;
  type?: string;
}

const TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

/** A container or an image by name: `type` restricts the search; plain `inspect` tries containers, then images. */
function lookup(engine: Berth, name: string, type: InspectArgs['type']): Inspected {
  if (type === 'container') return { doc: engine.containers.inspect(name), shape: CONTAINER_SHAPE };
  if (type === 'image') return { doc: engine.images.inspect(name), shape: IMAGE_SHAPE };
  if (type === 'volume') return { doc: engine.volumes.inspect(name), shape: VOLUME_SHAPE };
  // Docker's other kinds (networks, swarm objects): berth has none of them.
  if (type !== undefined) throw new NotFoundError(`No such object: ${name}`);
  if (engine.containers.store.find(name)) return { doc: engine.containers.inspect(name), shape: CONTAINER_SHAPE };
  if (engine.images.exists(name)) return { doc: engine.images.inspect(name), shape: IMAGE_SHAPE };
  throw new NotFoundError(`No such object: ${name}`);
}

/** The options of `image inspect` and `container inspect`; plain `inspect` adds --type. */
function kindOptions(y: Argv): Argv {
  return y
    .positional('names', { type: 'string', array: true, describe: 'IMAGE [IMAGE...]' })
    .option('format', { alias: 'f', type: 'string', describe: 'Format output using a custom template' });
}

export const inspect: Verb<InspectArgs> = {
  args: '<names..>',
  describe: 'Display detailed information on one or more images',
  options: (y: Argv) => kindOptions(y).option('type', { type: 'string', describe: 'Only inspect objects of the given type' }),
  run(argv) {
    if (argv.type !== undefined && !TYPES.includes(argv.type)) {
      const known = TYPES.map((t) => `"${t}"`).join(', ');
      throw new UsageError(`unknown type: ${goQuote(argv.type)}: must be one of ${known}`);
    }
    const engine = engineFor(argv);
    printInspected(argv.names, (name) => lookup(engine, name, argv.type), argv.format);
  },
};

/** `image inspect` and `container inspect` look only at their own kind; plain `inspect` at both (or at `--type`'s). */
export function inspectOf(type: 'container' | 'image', describe: string): Verb<InspectArgs> {
  return { ...inspect, describe, options: kindOptions, run: (argv) => inspect.run({ ...argv, type }) };
}
