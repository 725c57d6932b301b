/**
 * Spawning native/build/berth-monitor, the parent of a detached container's
 * berth-init (protocol diagram at the top of native/berth-monitor.c). The
 * plan and init-error channels are berth-init's own (fds 3 and 4), passed
 * through the monitor unchanged; fd 5 brings back berth-init's host pid.
 * Must be called from the host's PID namespace: the monitor makes berth-init
 * PID 1 of a new one itself (clone with CLONE_NEWPID).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, StdioOptions } from 'node:child_process';
import type { Writable, Readable } from 'node:stream';
import { encodeInitPlan, GO_BYTE, InitError, InitPlan } from './init-plan';
import { initBinary, initVerdict } from './init-process';
import { NamespaceKind } from '../sys/namespaces';
import { nativeBinary, packageRoot } from '../config/package-root';
import { BerthError } from '../errors/berth-error';
import { ExitCode } from '../errors/exit-codes';

export const MONITOR_BINARY = nativeBinary('berth-monitor');

/** Where stdio slots past 5 start: ns fds, then the pty pair. */
const FIRST_EXTRA_FD = 6;

export interface MonitorRequest {
  id: string;
  bundle: string;
  plan: InitPlan;
  /** Make berth-init PID 1 of a new PID namespace (not with --pid host). */
  newPidNamespace: boolean;
  /** Open fds of the container's namespaces (opened while the CLI was inside them); never `pid`. */
  namespaces: Array<[NamespaceKind, number]>;
  /** A terminal container: the pty pair (the slave becomes berth-init's stdio, the monitor reads the master). */
  terminal?: { master: number; slave: number };
  /** The unix socket the monitor listens on for attached clients (attach-protocol.ts). */
  attachSocket: string;
  /** -i: the container's stdin stays open, fed by attached clients. */
  openStdin: boolean;
  /** The data root, for the monitor's own `berth` runs (`rm -f` of a --rm container, `start` on restart). */
  root: string;
  /** `--rm`: the monitor runs `berth rm -f -v ID` once the container has exited. */
  autoRemove: boolean;
  /** The restart policy, with the restarts so far and the last back-off (0: none yet). */
  restart: { name: string; maximumRetryCount: number; restartCount: number; timeoutMs: number };
}

export interface MonitorProcess {
  /** berth-init's host pid, once the monitor has forked it. */
  initPid: Promise<number>;
  /** Lets berth-init go on (call after the cgroup join and the state save). */
  go(): void;
  /** Closes the plan channel without the go byte: berth-init exits 125 and runs nothing. */
  abort(): void;
  /** Resolves when the init error pipe closes: undefined when execve of the user's command succeeded. */
  started: Promise<InitError | undefined>;
}

function monitorBinary(): string {
  if (!fs.existsSync(MONITOR_BINARY)) {
    throw new BerthError('missing-monitor', `start container: \`${MONITOR_BINARY}\` is missing`, {
      hint: "build it with 'make -C native' (it needs gcc and Debian's libc6-dev)",
      exitCode: ExitCode.RuntimeFailure,
    });
  }
  return MONITOR_BINARY;
}

function monitorArgs(request: MonitorRequest): { args: string[]; extra: number[] } {
  const args = ['--id', request.id, '--bundle', request.bundle, '--init', initBinary(), '--attach', request.attachSocket];
  if (request.openStdin) args.push('--stdin', '1');
  const extra: number[] = [];
  if (request.newPidNamespace) args.push('--new-pid');
  for (const [kind, fd] of request.namespaces) {
    if (kind === 'pid') throw new Error('spawnMonitor: the monitor makes the PID namespace itself');
    args.push('--ns', `${kind}:${FIRST_EXTRA_FD + extra.length}`);
    extra.push(fd);
  }
  if (request.terminal) {
    args.push('--tty', `${FIRST_EXTRA_FD + extra.length}:${FIRST_EXTRA_FD + extra.length + 1}`);
    extra.push(request.terminal.master, request.terminal.slave);
  }
  const restarts = request.restart.name !== 'no' && !request.autoRemove;
  // Given even without --rm or a policy: `update --restart` may set one while the container runs.
  const script = path.join(packageRoot(), 'bin', 'berth');
  const parts = [process.execPath, script, request.root];
  if (!parts.some((p) => p.includes(':'))) {
    args.push('--cli', parts.join(':'));
  } else if (request.autoRemove || restarts) {
    throw new BerthError('monitor-cli', `start container: --rm and --restart need paths without ':' (\`${parts.join('`, `')}\`)`, {
      exitCode: ExitCode.RuntimeFailure,
    });
  }
  if (request.autoRemove) args.push('--rm', '1');
  if (restarts) {
    const { name, maximumRetryCount, restartCount, timeoutMs } = request.restart;
    args.push('--restart', `${name}:${maximumRetryCount}:${restartCount}:${timeoutMs}`);
  }
  return { args, extra };
}

export function spawnMonitor(request: MonitorRequest): MonitorProcess {
  // Encoded first: a plan that cannot be encoded (a NUL byte) fails here, a plain error, before anything runs.
  const plan = encodeInitPlan(request.plan);
  const { args, extra } = monitorArgs(request);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  if (process.env.BERTH_CONFIG) env.BERTH_CONFIG = process.env.BERTH_CONFIG;
  const child = spawn(monitorBinary(), args, {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe', 'pipe', ...extra] as StdioOptions,
    env,
  });
  child.unref();
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => undefined);
  const pipes = child.stdio as unknown as Array<Readable | Writable | null>;
  const planPipe = pipes[3] as Writable;
  const errorPipe = pipes[4] as Readable;
  const statusPipe = pipes[5] as Readable;
  planPipe.on('error', () => undefined); // berth-init may die before reading: its exit tells why
  const initPid = new Promise<number>((resolve, reject) => {
    let text = '';
    statusPipe.on('data', (d: Buffer) => (text += d.toString('utf8')));
    statusPipe.on('error', () => undefined);
    statusPipe.on('close', () => {
      const pid = /^pid (\d+)$/m.exec(text);
      if (pid) {
        planPipe.write(plan);
        resolve(Number(pid[1]));
        return;
      }
      const why = /^error (.*)$/m.exec(text)?.[1] ?? 'it exited without a word';
      reject(new BerthError('monitor-failed', `start container: berth-monitor: ${why}`, { exitCode: ExitCode.RuntimeFailure }));
    });
  });
  const started = initVerdict(errorPipe);
  return {
    initPid: Promise.race([initPid, spawnFailed]),
    go: () => planPipe.end(GO_BYTE),
    abort: () => planPipe.end(),
    started,
  };
}
