import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, refuseNonTerminalInput } from '../../context';
import { followAttached } from '../../output/attach-relay';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../output/detach-keys';
import { BerthError } from '../../../errors/berth-error';

interface AttachArgs {
  container: string;
  'no-stdin'?: boolean;
  'sig-proxy'?: boolean;
  'detach-keys'?: string;
}

/**
 * Docker's `attach`: this terminal on a running container's stdio, from now on, until it exits (berth exits
 * with its code) or this process is killed (the container runs on). Our stdin reaching its end does not close
 * the container's stdin: another client may attach later (Docker's StdinOnce is for `run -i` only).
 */
export const attach: Verb<AttachArgs> = {
  usage: '[OPTIONS] CONTAINER',
  args: '<container>',
  options: (flags: FlagSet) =>
    flags
      .option('no-stdin', { type: 'boolean', describe: 'Do not attach STDIN' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'Proxy all received signals to the process' })
      .option('detach-keys', { type: 'string', describe: 'Override the key sequence for detaching a container' }),
  async run(argv) {
    const engine = engineFor(argv);
    const detachKeys = parseDetachKeys(argv['detach-keys'] ?? DEFAULT_DETACH_KEYS);
    const container = await engine.containers.attach(argv.container);
    const tty = container.state.hostConfig.tty;
    try {
      refuseNonTerminalInput(!argv['no-stdin'], tty);
    } catch (err) {
      container.detach();
      throw err;
    }
    const input = !argv['no-stdin'] && container.stdin !== null;
    const status = await followAttached(engine, container, { input, closeStdinAtEnd: false, tty, detachKeys, sigProxy: argv['sig-proxy'] !== false });
    // Docker's attach reports the detach as its error (exit 1); run and start -a exit 0.
    if (!status) throw new BerthError('detached', 'read escape sequence');
    process.exitCode = status.exitCode;
  },
};
