/**
 * Named points where a test can have berth killed with SIGKILL, as a power
 * cut or `kill -9` would: BERTH_CRASH_AT=<point> kills the process when it
 * reaches that point. The rule they check: whatever moment berth dies at,
 * the next command reconciles what it left (test/integration/runtime/records.test.ts).
 * Unset (always, outside those tests), it costs one environment lookup.
 */
export type CrashPoint =
  /** create: the bundle is written, the first state is not. */
  | 'create:before-state'
  /** start: the state says running, berth-init waits for the go byte. */
  | 'start:before-go'
  /** rm -f: the container's processes are killed, nothing is removed yet. */
  | 'rm:after-kill'
  /** rm: the container's directory is renamed aside, not yet deleted. */
  | 'rm:after-rename';

export function crashPoint(point: CrashPoint): void {
  if (process.env.BERTH_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
