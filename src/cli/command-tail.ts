/**
 * Docker stops reading flags at the image (run, create) or the container
 * (exec, top): what follows is the command, flags and all. yargs has no
 * per-command switch for that, so the argv is split before yargs sees it,
 * and the command moved behind `--`.
 */
import { COMMAND_TAKING_VERBS } from './commands';

/** Flags (of these verbs and the global ones) that take a value; any other flag takes none. */
const VALUE_FLAGS = new Set([
  'root', 'config', 'insecure-registry',
  'name', 'env', 'env-file', 'volume', 'mount', 'workdir', 'user', 'hostname', 'entrypoint', 'network', 'net',
  'cap-add', 'cap-drop', 'security-opt', 'ulimit', 'tmpfs', 'device', 'memory', 'memory-swap',
  'memory-reservation', 'cpus', 'cpu-shares', 'cpuset-cpus', 'cpuset-mems', 'pids-limit', 'shm-size', 'label',
  'stop-signal', 'stop-timeout', 'restart', 'pull', 'platform', 'publish', 'group-add', 'detach-keys',
  'cgroup-parent', 'oom-score-adj', 'log-driver', 'log-opt', 'label-file', 'expose', 'ipc',
]);
const VALUE_SHORT = new Set(['e', 'v', 'w', 'u', 'm', 'c', 'l', 'p', 'h']);
const BOOLEAN_FLAGS = new Set([
  'rm', 'detach', 'interactive', 'tty', 'privileged', 'read-only', 'init', 'help', 'debug', 'no-healthcheck',
  'sig-proxy', 'quiet', 'disable-content-trust', 'oom-kill-disable', 'attach', 'no-trunc', 'all', 'force',
]);

function verbOf(words: string[]): { verb?: string; operandIndex: number } {
  return words[0] === 'container' ? { verb: words[1], operandIndex: 2 } : { verb: words[0], operandIndex: 1 };
}

export function splitCommandTail(input: string[]): string[] {
  let argv = input;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return argv;
    if (arg.startsWith('--')) {
      const name = arg.slice(2);
      if (!arg.includes('=') && VALUE_FLAGS.has(name)) i++;
      // An unknown flag must not swallow the image as its value: give it an empty one, yargs then names it.
      else if (!arg.includes('=') && !BOOLEAN_FLAGS.has(name)) argv = [...argv.slice(0, i), `${arg}=`, ...argv.slice(i + 1)];
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letters = arg.slice(1);
      // -h before the verb is --help; after it, --hostname (yargs keeps -h for help: spell it out).
      if (letters === 'h' && words.length > 0) {
        argv = [...argv.slice(0, i), '--hostname', ...argv.slice(i + 1)];
        i++;
      } else if (letters.length === 1 && letters !== 'h' && VALUE_SHORT.has(letters)) {
        i++;
      }
      // -it, -dit, -eX=1: nothing follows that belongs to the flag.
    } else {
      words.push(arg);
      const { verb, operandIndex } = verbOf(words);
      if (verb !== undefined && !COMMAND_TAKING_VERBS.has(verb)) return argv;
      if (words.length === operandIndex + 1) return [...argv.slice(0, i + 1), '--', ...argv.slice(i + 1)];
    }
  }
  return argv;
}
