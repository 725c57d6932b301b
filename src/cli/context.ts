import type { Berth } from '../api/engine';
import type { GlobalOptions } from './verb';
import { CliRefusal } from './report';

/** The engine for the data root and config file the global flags name. */
export function engineFor(args: GlobalOptions): Berth {
  // Loaded here, not at the top: `berth --help` and usage errors never need the engine.
  const { Berth: Engine } = require('../api/engine') as typeof import('../api/engine');
  return new Engine({ root: args.root, configFile: args.config, extraInsecureRegistries: args['insecure-registry'] });
}

/** Writes text to stdout, adding a final newline when missing and text is not empty. */
export function out(text: string): void {
  if (text === '') return;
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/**
 * Docker's CheckTty (run -it, exec -it, attach to a terminal): a container's terminal takes keystrokes, so
 * our stdin must be a terminal too when it is attached; a pipe or a file is refused before anything is done.
 */
export function refuseNonTerminalInput(attachStdin: boolean, tty: boolean): void {
  if (tty && attachStdin && !process.stdin.isTTY) throw new CliRefusal('the input device is not a TTY', 1);
}
