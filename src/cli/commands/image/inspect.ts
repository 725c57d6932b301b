import type { FlagSet } from '../../flags';
import { Verb, type GlobalOptions } from '../../verb';
import { formatOption } from '../../output/format-flag';
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
  if (engine.containers.find(name)) return { doc: engine.containers.inspect(name), shape: CONTAINER_SHAPE };
  if (engine.images.exists(name)) return { doc: engine.images.inspect(name), shape: IMAGE_SHAPE };
  throw new NotFoundError(`No such object: ${name}`);
}

function run(argv: InspectArgs & GlobalOptions): void {
  const engine = engineFor(argv);
  printInspected(argv.names, (name) => lookup(engine, name, argv.type), argv.format);
}

/** Plain `inspect`: containers, then images, or the kind --type names (Docker's for every kind of object). */
export const inspect: Verb<InspectArgs> = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  args: '<names..>',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: false, short: 'f' }).option('type', { type: 'string', describe: 'Only inspect objects of the given type' }),
  run(argv) {
    if (argv.type !== undefined && !TYPES.includes(argv.type)) {
      throw new UsageError(`unknown type: ${goQuote(argv.type)}: must be one of ${TYPES.map((t) => `"${t}"`).join(', ')}`);
    }
    run(argv);
  },
};

/** `image inspect` and `container inspect` look only at their own kind. */
export function inspectOf(type: 'container' | 'image'): Verb<InspectArgs> {
  const usage = type === 'image' ? '[OPTIONS] IMAGE [IMAGE...]' : '[OPTIONS] CONTAINER [CONTAINER...]';
  return { usage, args: inspect.args, options: (flags: FlagSet) => formatOption(flags, { table: false, short: 'f' }), run: (argv) => run({ ...argv, type }) };
}
