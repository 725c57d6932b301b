import { report } from './report';

/**
 * Docker's bulk verbs (`rm a b c`, `kill a b`): every item is tried, each
 * failure is reported on its own line, and the command exits 1 if any failed.
 */
export async function forEachReported(items: readonly string[], fn: (item: string) => Promise<void> | void): Promise<void> {
  let failed = false;
  for (const item of items) {
    try {
      await fn(item);
    } catch (err) {
      report(err);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}
