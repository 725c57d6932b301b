import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';
import type { UpdateRequest } from '../../../api/containers/update';
import { ResourceFlags, resourceFlagOptions, resourcesOfFlags } from './resource-flags';

interface UpdateArgs extends ResourceFlags {
  containers: string[];
  restart?: string;
}

/** The flags as the engine's request; sizes and CPUs parsed as `run` parses them. */
export function updateRequestOf(argv: Omit<UpdateArgs, 'containers'>): UpdateRequest {
  const request: UpdateRequest = { ...resourcesOfFlags(argv), restart: argv.restart };
  return Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)) as UpdateRequest;
}

export const update: Verb<UpdateArgs> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: '<containers..>',
  options: (flags: FlagSet) =>
    resourceFlagOptions(flags, 'update')
      .option('restart', { type: 'string', describe: 'Restart policy to apply when a container exits' }),
  async run(argv) {
    const request = updateRequestOf(argv);
    const engine = engineFor(argv);
    engine.containers.validateUpdate(request);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.update(name, request);
      out(name);
    });
  },
};
