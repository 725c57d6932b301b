/**
 * The two engines of the parity test: a private dockerd (Debian's docker.io,
 * driven by the Docker CLI, with its own data root, exec root and socket, as
 * bench/lib.sh start_dockerd runs it) and berth with a throwaway data root.
 * Both get the same fixture images from the same docker-archive files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { BERTH_BIN } from '../helpers/berth';
import { fixtureLayout, FIXTURE_TAG, type FixtureName } from '../helpers/fixtures';
import type { EngineContext } from './normalize';

export const DOCKER_CLI = fs.existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : 'docker';
const COMMAND_TIMEOUT_MS = 120_000;

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes (an exported tar, for `@pipe`). */
  stdoutBytes: Buffer;
}

export interface Engine {
  name: 'docker' | 'berth';
  ctx: EngineContext;
  /** The program and the arguments that come before a command's own. */
  program: string[];
  env: NodeJS.ProcessEnv;
  /**
   * The container IDs and volume names the engine holds, read without a CLI start when the engine's
   * data root says them plainly (berth's containers/<id>/ and volumes/<name>/); else `ps -aq`, `volume ls -q`.
   */
  listed?: { containers(): string[]; volumes(): string[] };
}

/** Runs `program... argv` (or a host shell command) with its output collected; never rejects on a non-zero exit. */
export function runProgram(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string | Buffer } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdoutChunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => stdoutChunks.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`run \`${argv.join(' ')}\`: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && code === null) stderr += `\n[killed after ${COMMAND_TIMEOUT_MS / 1000} s]`;
      const stdoutBytes = Buffer.concat(stdoutChunks);
      resolve({ status: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout: stdoutBytes.toString('utf8'), stderr, stdoutBytes });
    });
    child.stdin.on('error', () => undefined); // a command that reads no stdin may close it first
    child.stdin.end(opts.stdin ?? '');
  });
}

export function runEngine(engine: Engine, argv: string[], stdin?: string): Promise<RunResult> {
  return runProgram([...engine.program, ...argv], { env: engine.env, cwd: engine.ctx.host, stdin });
}

export function runHost(engine: Engine, shell: string, stdin?: string | Buffer): Promise<RunResult> {
  return runProgram(['bash', '-c', shell], { env: { ...engine.env, HOST: engine.ctx.host }, cwd: engine.ctx.host, stdin });
}

/** `$HOST` in a table word: the engine's scratch dir. */
export function withHost(engine: Engine, argv: string[]): string[] {
  return argv.map((a) => a.split('$HOST').join(engine.ctx.host));
}

export interface Dockerd {
  engine: Engine;
  stop(): Promise<void>;
}

function unmountUnder(dir: string): void {
  const points = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4].replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((mp) => mp === dir || mp.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const mp of points) spawnSync('umount', ['--lazy', mp]);
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts dockerd with everything under `dir`; stop() ends it (and the containerd it started) and removes `dir`. */
export async function startDockerd(dir: string, host: string): Promise<Dockerd> {
  const socket = path.join(dir, 'docker.sock');
  const dataRoot = path.join(dir, 'data');
  fs.mkdirSync(dataRoot, { recursive: true });
  fs.mkdirSync(path.join(dir, 'exec'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'cli-config'), { recursive: true });
  const logFd = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
  // No bridge and no iptables: berth has no networking yet, and the host's firewall is not ours to change.
  const child = spawn(
    'dockerd',
    [
      '--data-root', dataRoot, '--exec-root', path.join(dir, 'exec'), '--host', `unix://${socket}`,
      '--pidfile', path.join(dir, 'dockerd.pid'), '--bridge=none', '--iptables=false', '--ip6tables=false',
      '--exec-opt', 'native.cgroupdriver=cgroupfs',
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  // Should the test process end without afterAll (an interrupted run), dockerd does not outlive it.
  const orphanGuard = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', orphanGuard);
  const engine: Engine = {
    name: 'docker',
    ctx: { host, root: dataRoot, images: {} },
    program: [DOCKER_CLI, '-H', `unix://${socket}`],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_CONFIG: path.join(dir, 'cli-config'), LANG: 'C.UTF-8' },
  };
  const stop = async (): Promise<void> => {
    process.removeListener('exit', orphanGuard);
    const containerdPidFile = path.join(dir, 'exec/containerd/containerd.pid');
    const containerdPid = fs.existsSync(containerdPidFile) ? Number(fs.readFileSync(containerdPidFile, 'utf8').trim()) : 0;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await exited(child, 30_000))) {
        child.kill('SIGKILL');
        await exited(child, 10_000);
      }
    }
    // dockerd stops the containerd it started; after a SIGKILL that one is left to end here.
    if (containerdPid > 0 && pidAlive(containerdPid)) {
      const cmdline = fs.readFileSync(`/proc/${containerdPid}/cmdline`, 'utf8');
      if (cmdline.includes(dir)) process.kill(containerdPid, 'SIGKILL');
    }
    unmountUnder(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      const probe = await runEngine(engine, ['version', '--format', '{{.Server.Version}}']);
      if (probe.status === 0) break;
      if (child.exitCode !== null || i >= 150) {
        const log = fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-8).join('\n');
        throw new Error(`start dockerd: it did not answer on \`${socket}\` (${probe.stderr.trim()}); its log ends:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { engine, stop };
}

export function berthEngine(root: string, host: string): Engine {
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_CONFIG: '/nonexistent/berth-parity-config.json', LANG: 'C.UTF-8' };
  // Only Node's start-up pays for it, and berth talks to no TLS server here.
  delete env.NODE_EXTRA_CA_CERTS;
  const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  const listed = {
    containers: () => entries(path.join(root, 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n)),
    volumes: () => entries(path.join(root, 'volumes')).filter((n) => fs.existsSync(path.join(root, 'volumes', n, 'volume.json'))),
  };
  return { name: 'berth', ctx: { host, root, images: {} }, program: [process.execPath, BERTH_BIN, '--root', root], env, listed };
}

/** The fixture images both engines get, from one docker-archive file each. */
export const PARITY_FIXTURES: FixtureName[] = ['busybox', 'webserver', 'whalesay'];

/** Writes `NAME.tar` (docker-archive, tagged NAME:latest) for each fixture into `dir`. */
export async function fixtureArchives(dir: string): Promise<Map<FixtureName, string>> {
  const archives = new Map<FixtureName, string>();
  for (const name of PARITY_FIXTURES) {
    const tar = path.join(dir, `${name}.tar`);
    const copy = await runProgram([
      'skopeo', 'copy', '--insecure-policy', '--quiet',
      `oci:${fixtureLayout(name)}:${FIXTURE_TAG}`, `docker-archive:${tar}:${name}:${FIXTURE_TAG}`,
    ], { env: process.env });
    if (copy.status !== 0) throw new Error(`skopeo copy \`${name}\` to a docker-archive: ${copy.stderr.trim()}`);
    archives.set(name, tar);
  }
  return archives;
}
