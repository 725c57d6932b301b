import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { relayAttached } from '../../output/attach-relay';
import { proxySignals } from '../../output/signal-proxy';

interface AttachArgs {
  container: string;
  stdin?: boolean;
  'sig-proxy'?: boolean;
}

/**
 * Docker's `attach`: this terminal on a running container's stdio, from now on, until it exits (berth exits
 * with its code) or this process is killed (the container runs on). Our stdin reaching its end does not close
 * the container's stdin: another client may attach later (Docker's StdinOnce is for `run -i` only).
 */
export const attach: Verb<AttachArgs> = {
  args: '<container>',
  describe: "Attach local standard input, output, and error streams to a running container",
  options: (y: Argv) =>
    y
      .positional('container', { type: 'string' })
      .option('stdin', { type: 'boolean', default: true, describe: 'Attach STDIN (--no-stdin: do not)' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'Proxy all received signals to the process' }),
  async run(argv) {
    const engine = engineFor(argv);
    const container = await engine.containers.attach(argv.container);
    const tty = container.state.hostConfig.tty;
    const input = argv.stdin !== false && container.stdin !== null;
    const relay = relayAttached(container, { input, closeStdinAtEnd: false, tty });
    const stopProxy = argv['sig-proxy'] === false ? () => undefined : proxySignals(engine, container.state.id, { keystrokesThroughPty: tty && input });
    try {
      const status = await container.exited;
      await relay.done;
      process.exitCode = status.exitCode;
    } finally {
      relay.stop();
      stopProxy();
    }
  },
};
