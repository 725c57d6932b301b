/**
 * The word of argv that names the command (`run` in `berth --root R run ...`),
 * read before the CLI is loaded: the launcher picks the code cache made for it.
 */

/** Global flags that take a value: the only flags that may come before the command and still let it be picked out. */
const GLOBAL_VALUE_FLAGS = ['--root', '--config', '--insecure-registry'];
const GLOBAL_BOOLEAN_FLAGS = ['--debug', '-D'];

/** The first word of argv past the global flags; undefined when any other flag comes first, or none does. */
export function commandWordOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (GLOBAL_VALUE_FLAGS.includes(arg)) i++;
    else if (!GLOBAL_BOOLEAN_FLAGS.includes(arg) && !GLOBAL_VALUE_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) {
      return arg.startsWith('-') ? undefined : arg;
    }
  }
  return undefined;
}

/** Whether argv asks for help (a help text has no code cache of its own). */
export function helpAsked(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
