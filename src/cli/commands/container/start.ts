import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';
import { runAttached, detachKeysFlag } from './run';
import { CliRefusal } from '../../report';

interface StartArgs {
  containers: string[];
  attach?: boolean;
  interactive?: boolean;
  'detach-keys'?: string;
}

export const start: Verb<StartArgs> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: '<containers..>',
  options: (flags: FlagSet) =>
    flags
      .option('attach', { alias: 'a', type: 'boolean', describe: "Attach STDOUT/STDERR and forward signals" })
      .option('interactive', { alias: 'i', type: 'boolean', describe: "Attach container's STDIN" })
      .option('detach-keys', { type: 'string', describe: 'Override the key sequence for detaching a container' }),
  async run(argv) {
    const engine = engineFor(argv);
    if (!argv.attach) {
      // Detached, under berth-monitor; Docker's start reports each container and exits 1 if any failed.
      // Set by berth-monitor when it restarts a container under its restart policy (its back-off, for the next one).
      const restart = process.env.BERTH_RESTART_TIMEOUT_MS;
      const restartTimeoutMs = restart !== undefined && /^\d+$/.test(restart) ? Number(restart) : undefined;
      await forEachReported(argv.containers, async (name) => {
        await engine.containers.startDetached(name, { restartTimeoutMs });
        out(name);
      }, { summary: (failed) => `failed to start containers: ${failed.join(', ')}` });
      return;
    }
    if (argv.containers.length > 1) throw new CliRefusal('you cannot start and attach multiple containers at once', 1);
    const state = engine.containers.get(argv.containers[0]);
    const detachKeys = detachKeysFlag(argv['detach-keys']);
    process.exitCode = await runAttached(engine, state, { interactive: Boolean(argv.interactive), detachKeys });
  },
};
