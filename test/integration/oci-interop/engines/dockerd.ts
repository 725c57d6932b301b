// A private dockerd (Debian's 20.10, driven by the Docker CLI of this machine)
// with the runtime under test added as `--add-runtime berth=WRAPPER`: its own
// data root, exec root, socket and cgroup parent, cgroupfs, no bridge and no
// iptables, and its own supervised containerd under the exec root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { LoggedRuntime } from '../runtime-under-test';
import { dockerArchive } from './images';
import { mustRun, pidsWithArgument, removeCgroup, removeTree, run, scratchDir, stopPids, uniqueName, waitFor, type CommandResult, type RunOptions } from './host';

/** The name the runtime under test is registered under (`docker run --runtime berth`). */
export const DOCKER_RUNTIME_NAME = 'berth';

export interface PrivateDockerd {
  dir: string;
  host: string;
  /** Where dockerd keeps the state of containers of the runtime under test (the runtime's --root). */
  execRoot: string;
  docker(args: string[], opts?: RunOptions): CommandResult;
  loadFixture(name: 'busybox'): void;
  stop(): Promise<void>;
}

function dockerCli(): string {
  return fs.existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : 'docker';
}

export async function startDockerd(runtime: LoggedRuntime): Promise<PrivateDockerd> {
  const dir = scratchDir('berth-dockerd-');
  const execRoot = path.join(dir, 'exec');
  const host = `unix://${path.join(dir, 'docker.sock')}`;
  const cgroupParent = `/${uniqueName('berth-interop')}`;
  const logPath = path.join(dir, 'dockerd.log');
  const logFd = fs.openSync(logPath, 'a');
  const daemon: ChildProcess = spawn(
    'dockerd',
    [
      '--data-root', path.join(dir, 'data'),
      '--exec-root', execRoot,
      '--host', host,
      '--pidfile', path.join(dir, 'dockerd.pid'),
      '--bridge=none', '--iptables=false', '--ip6tables=false',
      '--exec-opt', 'native.cgroupdriver=cgroupfs',
      '--cgroup-parent', cgroupParent,
      '--add-runtime', `${DOCKER_RUNTIME_NAME}=${runtime.path}`,
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  const docker = (args: string[], opts?: RunOptions) => run(dockerCli(), ['-H', host, ...args], opts);
  const engine: PrivateDockerd = {
    dir,
    host,
    execRoot,
    docker,
    loadFixture: (name) => {
      mustRun(dockerCli(), ['-H', host, 'load', '--quiet', '--input', dockerArchive(name, dir, `${name}:latest`)]);
    },
    stop: async () => {
      const ids = docker(['ps', '--all', '--quiet']).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) docker(['rm', '--force', ...ids]);
      await stopPids([daemon.pid!].filter(Boolean), 20_000);
      // Its containerd (by config path) and shims (by socket) outlive it when it dies hard.
      await stopPids(pidsWithArgument(path.join(execRoot, 'containerd/containerd.toml')));
      await stopPids(pidsWithArgument(path.join(execRoot, 'containerd/containerd.sock')));
      removeTree(dir);
      removeCgroup(cgroupParent);
    },
  };
  try {
    await waitFor(
      'dockerd',
      () => daemon.exitCode === null && docker(['version'], { timeoutMs: 10_000 }).status === 0,
      () => fs.readFileSync(logPath, 'utf8').split('\n').slice(-8).join('\n'),
      60_000,
    );
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return engine;
}
