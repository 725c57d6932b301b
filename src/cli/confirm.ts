import { UsageError } from '../errors/kinds';

/**
 * Docker's `[y/N]` prompt of destructive verbs (prune). `force` (-f) skips
 * it; with no terminal to ask on, the verb refuses rather than guess.
 */
export async function confirmed(verb: string, warning: string, force: boolean | undefined): Promise<boolean> {
  if (force) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError(`${verb}: refusing to prune without confirmation; pass -f/--force`);
  }
  const readline = await import('node:readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${warning}\nAre you sure you want to continue? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
