/**
 * Spawning native/build/berth-init (for `berth exec`; `run` goes through
 * berth-monitor) and reading its verdict. The plan goes down fd 3; the go
 * byte follows once the caller has put the child in its cgroup; fd 4
 * carries one error line if anything failed before execve (EOF without a
 * line means the user's command is running). berth-init's first act is to
 * re-exec itself from a sealed memfd copy, in the caller's namespaces,
 * before it joins any of the container's (native/berth-init.c).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, ChildProcess, StdioOptions } from 'node:child_process';
import type { Writable, Readable } from 'node:stream';
import { encodeInitPlan, GO_BYTE, InitError, InitPlan, parseInitError } from './init-plan';
import { BerthError } from '../errors/berth-error';
import { nativeBinary } from '../config/package-root';
import { ExitCode } from '../errors/exit-codes';

export const INIT_BINARY = nativeBinary('berth-init');

export interface InitProcess {
  child: ChildProcess;
  pid: number;
  /** Lets berth-init go on (call after the cgroup join); closes the plan channel. */
  go(): void;
  /** Closes the plan channel without the go byte: berth-init exits 125 and runs nothing. */
  abort(): void;
  /** Resolves when the init error pipe closes: undefined when execve succeeded. */
  started: Promise<InitError | undefined>;
  /** Resolves with the exit status of the container's PID 1. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The stdio for fds 0-2: 'ignore', 'inherit', 'pipe', or an fd. */
export type StdioSlot = 'ignore' | 'inherit' | 'pipe' | number;

export function initBinary(): string {
  if (!fs.existsSync(INIT_BINARY)) {
    throw new BerthError('missing-init', `start container: \`${INIT_BINARY}\` is missing`, {
      hint: "build it with 'make build' (it needs gcc and Debian's libc6-dev)",
      exitCode: ExitCode.RuntimeFailure,
    });
  }
  return INIT_BINARY;
}

/**
 * Spawns berth-init in the caller's own namespaces. `extraFds` become the child's fds 5, 6, ... (exec mode passes
 * the container's namespaces there; berth-init joins them itself).
 */
export function spawnInit(plan: InitPlan, stdio: [StdioSlot, StdioSlot, StdioSlot], extraFds: number[] = []): InitProcess {
  const encoded = encodeInitPlan(plan); // before the spawn: a plan that cannot be encoded starts nothing
  const child = spawn(initBinary(), [], {
    stdio: [...stdio, 'pipe', 'pipe', ...extraFds] as StdioOptions,
    env: {},
  });
  if (child.pid === undefined) {
    throw new BerthError('spawn-init', `start container: could not spawn \`${INIT_BINARY}\``, { exitCode: ExitCode.RuntimeFailure });
  }
  const planPipe = child.stdio[3] as Writable;
  const errorPipe = child.stdio[4] as Readable;
  planPipe.on('error', () => undefined); // berth-init may die before reading: its exit tells why
  planPipe.write(encoded);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = initVerdict(errorPipe);
  return {
    child,
    pid: child.pid,
    go: () => planPipe.end(GO_BYTE),
    abort: () => planPipe.end(),
    started,
    exited,
  };
}

/** berth-init's verdict from its error pipe (fd 4): the error line, or undefined at EOF without one (execve succeeded). */
export function initVerdict(errorPipe: Readable): Promise<InitError | undefined> {
  return new Promise((resolve) => {
    let text = '';
    errorPipe.on('data', (d: Buffer) => (text += d.toString('utf8')));
    errorPipe.on('close', () => resolve(text ? parseInitError(text.split('\n')[0]) ?? { errno: 0, step: 'init', detail: text.trim() } : undefined));
    errorPipe.on('error', () => resolve(undefined));
  });
}

/** Docker's message and exit code for an init failure. */
export function describeInitError(error: InitError, command: string[]): BerthError {
  const cmd = command[0] ?? '';
  if (error.step === 'execve' && error.errno === 2) {
    const where = cmd.includes('/') ? 'no such file or directory' : 'executable file not found in $PATH';
    return new BerthError('command-not-found', `failed to start container process: exec: "${cmd}": ${where}`, { exitCode: ExitCode.NotFound });
  }
  if (error.step === 'execve') {
    const why = error.errno === 21 ? 'is a directory' : error.errno === 8 ? 'exec format error' : 'permission denied';
    return new BerthError('command-not-executable', `failed to start container process: exec: "${cmd}": ${why}`, {
      exitCode: ExitCode.NotExecutable,
    });
  }
  const errno = error.errno ? ` (errno ${error.errno})` : '';
  return new BerthError('init-failed', `failed to start container process: ${error.step} ${error.detail}${errno}`, {
    exitCode: ExitCode.RuntimeFailure,
  });
}
