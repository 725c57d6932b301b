import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out, refuseNonTerminalInput } from '../../context';
import { clientSide, runFlagOptions, runOptionsOf, RunFlags } from './run-flags';
import { UsageError } from '../../../errors/kinds';
import { ExitCode } from '../../../errors/exit-codes';
import { Berth } from '../../../api/engine';
import { ContainerState } from '../../../runtime/state';
import type { AttachedContainer } from '../../../api/containers/attached';
import { ProgressView } from '../../output/progress';
import { followAttached } from '../../output/attach-relay';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../output/detach-keys';
import { familiarString, normalizeReference } from '../../../image/reference';
import { CreateRequest, PullPolicy } from '../../../api/containers/create';


function pullPolicy(value: string): PullPolicy {
  if (value === 'missing' || value === 'always' || value === 'never') return value;
  throw new UsageError(`invalid pull option: '${value}': must be one of "always", "missing" or "never"`);
}

/**
 * run and create: the flags as the engine's request, the image pulled when missing (progress on stderr, as
 * Docker).
 */
export function createRequestOf(argv: RunFlags, verb: 'run' | 'create'): CreateRequest {
  const pull = clientSide(verb, () => pullPolicy(argv.pull));
  const { options, restart } = runOptionsOf(argv, verb);
  const progress = new ProgressView(process.stderr);
  return {
    image: argv.image,
    options,
    pull,
    platform: argv.platform,
    autoRemove: Boolean(argv.rm),
    detach: Boolean(argv.detach),
    restartPolicy: { name: restart.name, maximumRetryCount: restart.maximumRetryCount },
    onPull: (ref) => process.stderr.write(`Unable to find image '${familiarString(normalizeReference(ref))}' locally\n`),
    onPullEvent: (event) => {
      if (event.kind === 'resolved') process.stderr.write(`${event.reference.tag ?? event.reference.digest}: Pulling from ${event.reference.path}\n`);
      else if (event.kind === 'layer') progress.update(event);
      else {
        progress.finish();
        process.stderr.write(`Digest: ${event.digest}\nStatus: Downloaded newer image for ${argv.image}\n`);
      }
    },
  };
}
/**
 * Runs a created container in the foreground and returns its exit code. It runs under berth-monitor like a
 * detached one (its log is kept, it outlives this process); this process relays its stdio and proxies
 * signals, as Docker's client does. An auto-remove container is removed here, once it has exited.
 */
export async function runAttached(
  engine: Berth,
  state: ContainerState,
  options: { interactive: boolean; detachKeys?: Buffer; sigProxy?: boolean },
): Promise<number> {
  const windowSize = process.stdout.isTTY ? { rows: process.stdout.rows, columns: process.stdout.columns } : undefined;
  let container: AttachedContainer;
  try {
    container = await engine.containers.start(state.id, { windowSize, removeOnExit: state.autoRemove });
  } catch (err) {
    await removeIfAutoRemove(engine, state);
    throw err;
  }
  const detachKeys = options.detachKeys ?? parseDetachKeys(DEFAULT_DETACH_KEYS);
  const input = options.interactive;
  let detached = false;
  try {
    const status = await followAttached(engine, container, { input, closeStdinAtEnd: true, tty: state.hostConfig.tty, detachKeys, sigProxy: options.sigProxy ?? true });
    // Docker: after the detach keys the client exits 0 and the container runs on (a --rm one is removed by its monitor).
    detached = status === undefined;
    return status?.exitCode ?? 0;
  } finally {
    if (!detached) await removeIfAutoRemove(engine, state);
  }
}

/** `--rm` done by this client; Docker's also removes the container's anonymous volumes (never named ones). */
async function removeIfAutoRemove(engine: Berth, state: ContainerState): Promise<void> {
  if (state.autoRemove) await engine.containers.remove(state.id, { force: true, volumes: true }).catch(() => undefined);
}

/** run -d: berth-monitor keeps the container; the ID is printed once it runs (its exit is recorded by the monitor). */
async function runDetached(engine: Berth, state: ContainerState): Promise<void> {
  try {
    await engine.containers.startDetached(state.id);
  } catch (err) {
    // The monitor removes a --rm container whose command failed; a start that failed before it ran is ours to clean.
    await removeIfAutoRemove(engine, state);
    throw err;
  }
  out(state.id);
}

/** `--detach-keys` of run and start -a, checked before anything is created (Docker's message, exit 125). */
export function detachKeysFlag(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDetachKeys(value);
  } catch (err) {
    throw new UsageError((err as Error).message, { exitCode: ExitCode.RuntimeFailure });
  }
}

export const run: Verb<RunFlags & { 'detach-keys'?: string; 'sig-proxy': boolean }> = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  failureFooter: true,
  args: '<image> [command..]',
  flagsEndAtFirstArgument: true,
  options: (flags: FlagSet) =>
    runFlagOptions(flags, 'run')
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Run container in background and print container ID' })
      .option('detach-keys', { type: 'string', describe: 'Override the key sequence for detaching a container' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'Proxy received signals to the process' }),
  async run(argv) {
    const request = createRequestOf(argv, 'run');
    // Docker: a terminal for the container and our stdin attached to it, but our stdin no terminal: refused.
    if (!argv.detach) refuseNonTerminalInput(Boolean(argv.interactive), Boolean(argv.tty));
    const detachKeys = detachKeysFlag(argv['detach-keys']);
    const engine = engineFor(argv);
    const state = await engine.containers.create(request);
    if (argv.detach) {
      await runDetached(engine, state);
      return;
    }
    const options = { interactive: state.hostConfig.interactive, detachKeys, sigProxy: argv['sig-proxy'] };
    process.exitCode = await runAttached(engine, state, options);
  },
};
