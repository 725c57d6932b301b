/**
 * `berth exec [-i] [-t] [-d] [-e K=V] [--env-file F] [-w DIR] [-u USER] [--privileged] CONTAINER COMMAND...`
 * Docker's exec for a running container. Flags end at the container's name:
 * what follows is the command. The exit code is the command's; 126/127 when
 * it cannot run or is not found (runtime/exec-error.ts); 1 when the
 * container is not running (Docker's daemon error).
 */
import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, refuseNonTerminalInput } from '../../context';
import { relayTerminal } from '../../output/terminal-relay';
import { envFromFlags } from './run-flags';

interface ExecArgs {
  container: string;
  command: string[];
  interactive?: boolean;
  tty?: boolean;
  detach?: boolean;
  env?: string[];
  'env-file'?: string[];
  workdir?: string;
  user?: string;
  privileged?: boolean;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const list = { type: 'string', array: true } as const;

export const exec: Verb<ExecArgs> = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  args: '<container> <command..>',
  flagsEndAtFirstArgument: true,
  options: (flags: FlagSet) =>
    flags
      .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached' })
      .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY' })
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Detached mode: run command in the background' })
      .option('env', { alias: 'e', ...list, describe: 'Set environment variables' })
      .option('env-file', { ...list, describe: 'Read in a file of environment variables' })
      .option('workdir', { alias: 'w', type: 'string', describe: 'Working directory inside the container' })
      .option('user', { alias: 'u', type: 'string', describe: 'Username or UID (format: "<name|uid>[:<group|gid>]")' })
      .option('privileged', { type: 'boolean', describe: 'Give extended privileges to the command' }),
  async run(argv) {
    const { command } = argv;
    const engine = engineFor(argv);
    const detach = Boolean(argv.detach);
    // Docker: an unknown container is reported before a stdin that is no terminal.
    engine.containers.get(argv.container);
    if (!detach) refuseNonTerminalInput(Boolean(argv.interactive), Boolean(argv.tty));
    const interactive = Boolean(argv.interactive) && !detach;
    // A detached command has nobody at a terminal: Docker discards its output; so does berth.
    const tty = Boolean(argv.tty) && !detach;
    const windowSize = tty && process.stdout.isTTY ? { rows: process.stdout.rows, columns: process.stdout.columns } : undefined;
    const started = await engine.containers.exec(argv.container, {
      cmd: command,
      env: envFromFlags(argv),
      user: argv.user,
      workingDir: argv.workdir,
      tty,
      windowSize,
      privileged: argv.privileged,
      detach,
      stdio: detach ? ['ignore', 'ignore', 'ignore'] : [interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'],
    });
    if (detach) return; // berth-init forked and exits; the command lives on inside the container
    const relay = started.terminal === undefined ? undefined : relayTerminal(started.terminal, { input: interactive, resize: started.resize });
    // With a terminal, Ctrl-C travels as a byte through the pty; without one, signals are passed on.
    const forward = (signal: NodeJS.Signals) => started.init.child.kill(signal);
    const proxied = relay ? FORWARDED.filter((s) => s !== 'SIGINT') : FORWARDED;
    for (const signal of proxied) process.on(signal, forward);
    try {
      const code = await started.exited;
      if (relay) await Promise.race([relay.done, new Promise((r) => setTimeout(r, 1000))]);
      process.exitCode = code;
    } finally {
      relay?.stop();
      for (const signal of proxied) process.off(signal, forward);
    }
  },
};
