import { report } from './report';

export interface BulkOptions {
  /** A closing error line naming the items that failed (Docker's `failed to start containers: a, b`). */
  summary?: (failed: string[]) => string;
}

/**
 * Docker's bulk verbs (`rm a b c`, `kill a b`): every item is tried, each
 * failure is reported on its own line, and the command exits 1 if any failed.
 */
export async function forEachReported(items: readonly string[], fn: (item: string) => Promise<void> | void, options: BulkOptions = {}): Promise<void> {
  const failed: string[] = [];
  for (const item of items) {
    try {
      await fn(item);
    } catch (err) {
      report(err);
      failed.push(item);
    }
  }
  if (failed.length === 0) return;
  if (options.summary) report(new Error(options.summary(failed)));
  process.exitCode = 1;
}
