/**
 * Docker's `restarting` status: a container whose run has ended and whose
 * restart policy will start it again once the back-off is over. berth-monitor
 * (native/berth-monitor.c) records the exit (exit.json), removes monitor.pid,
 * then sleeps the back-off and execs `berth start ID` in the same process.
 * So a restart is pending when, all at once:
 *   - the policy says so for this exit (the monitor's own rule, restart_delay),
 *   - nobody stopped the container by hand (no `manually-stopped`),
 *   - the exit record is still there (a start removes it first thing),
 *   - that process still lives: a `berth-monitor --bundle DIR`, or already the
 *     `berth ... start ID` it became.
 * The last check is what tells a pending restart from a monitor that died
 * (a reboot): without it such a container would say `restarting` forever.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerState } from './state';
import { manuallyStoppedPath, readExitRecord } from './exit-file';

/** The monitor's rule: would the policy restart after a run that ended with `exitCode`? */
export function policyRestarts(state: Pick<ContainerState, 'hostConfig' | 'autoRemove' | 'restartCount'>, exitCode: number): boolean {
  const policy = state.hostConfig.restartPolicy;
  if (!policy || state.autoRemove) return false;
  switch (policy.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return exitCode !== 0 && (policy.maximumRetryCount <= 0 || (state.restartCount ?? 0) < policy.maximumRetryCount);
    default:
      return false;
  }
}

/** True while the container's restart policy is waiting to start it again (see the top of this file). */
export function restartPending(state: ContainerState): boolean {
  if (state.status !== 'stopped') return false;
  if (!policyRestarts(state, state.exitCode ?? 0)) return false;
  if (fs.existsSync(manuallyStoppedPath(state.bundle))) return false;
  if (!readExitRecord(state.bundle)) return false;
  return restartWaiter(state.bundle, state.id) !== undefined;
}

/** The pid of the process that will restart the container: its sleeping monitor, or the `start` it execs. */
export function restartWaiter(bundle: string, id: string): number | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (args[args.length - 1] === '') args.pop();
    if (isWaitingMonitor(args, bundle) || isRestartStart(args, id)) return Number(entry);
  }
  return undefined;
}

function isWaitingMonitor(args: string[], bundle: string): boolean {
  if (path.basename(args[0] ?? '') !== 'berth-monitor') return false;
  const at = args.indexOf('--bundle');
  return at >= 0 && args[at + 1] === bundle;
}

/** `node .../berth --root R start ID`, as the monitor's run_cli builds it. */
function isRestartStart(args: string[], id: string): boolean {
  return args.length >= 3 && args[args.length - 1] === id && args[args.length - 2] === 'start';
}
