// A private containerd (Debian's 1.6) for the interop tests: its own root,
// state, sockets and config in a temp dir, cgroupfs (no systemd), and with
// `cri` the CRI plugin on, whose one runtime handler runs the runtime under
// test through containerd-shim-runc-v2 (`BinaryName`). Containers go under
// their own cgroup parent, removed with everything else by stop().
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { LoggedRuntime } from '../runtime-under-test';
import { mustRun, pidsWithArgument, removeCgroup, removeTree, run, runAsync, scratchDir, stopPids, uniqueName, waitFor, type CommandResult, type RunOptions } from './host';

/** The CRI runtime handler (RunPodSandboxRequest.runtime_handler) that runs the runtime under test. */
export const CRI_HANDLER = 'berth';

export interface CriSetup {
  /** Image reference of the pod sandbox (pause) image, imported beforehand into namespace k8s.io. */
  sandboxImage: string;
  cniBinDir: string;
  cniConfDir: string;
}

export interface PrivateContainerd {
  dir: string;
  /** containerd's gRPC socket (ctr's `--address`, the CRI endpoint). */
  socket: string;
  /** Where the runtime under test keeps its state (its `--root`). */
  runtimeRoot: string;
  /** Cgroup parent for this daemon's containers, e.g. `/berth-interop-ab12`. */
  cgroupParent: string;
  /** `ctr --address SOCKET -n NAMESPACE ARGS` (namespace `default` unless given). */
  ctr(args: string[], opts?: RunOptions & { namespace?: string }): CommandResult;
  ctrAsync(args: string[], opts?: RunOptions & { namespace?: string }): Promise<CommandResult>;
  /** Imports an OCI archive (a tar of an OCI layout) as `name:TAG` for each tag in the archive. */
  importImage(archive: string, name: string, namespace?: string): void;
  log(): string;
  stop(): Promise<void>;
}

export async function startContainerd(runtime: LoggedRuntime, cri?: CriSetup): Promise<PrivateContainerd> {
  const dir = scratchDir('berth-containerd-');
  const socket = path.join(dir, 'containerd.sock');
  const runtimeRoot = path.join(dir, 'runtime-root');
  const cgroupParent = `/${uniqueName('berth-interop')}`;
  const configPath = path.join(dir, 'config.toml');
  fs.writeFileSync(configPath, configToml(dir, socket, runtime, runtimeRoot, cri));
  const logPath = path.join(dir, 'containerd.log');
  const logFd = fs.openSync(logPath, 'a');
  const daemon: ChildProcess = spawn('containerd', ['--config', configPath], { stdio: ['ignore', logFd, logFd], detached: false });
  fs.closeSync(logFd);
  const log = () => fs.readFileSync(logPath, 'utf8');

  const ctrArgs = (args: string[], namespace = 'default') => ['--address', socket, '--namespace', namespace, ...args];
  const engine: PrivateContainerd = {
    dir,
    socket,
    runtimeRoot,
    cgroupParent,
    ctr: (args, opts) => run('ctr', ctrArgs(args, opts?.namespace), opts),
    ctrAsync: (args, opts) => runAsync('ctr', ctrArgs(args, opts?.namespace), opts),
    importImage: (archive, name, namespace = 'default') => {
      mustRun('ctr', ctrArgs(['images', 'import', '--base-name', name, archive], namespace));
    },
    log,
    stop: async () => {
      await cleanUpTasks(engine);
      await stopPids([daemon.pid!].filter(Boolean));
      // Shims outlive containerd by design; these are ours (they name our socket).
      await stopPids(pidsWithArgument(socket));
      removeTree(dir);
      removeCgroup(cgroupParent);
    },
  };
  try {
    await waitFor(
      'containerd',
      () => daemon.exitCode === null && fs.existsSync(socket) && run('ctr', ['--address', socket, 'version'], { timeoutMs: 10_000 }).status === 0,
      () => (daemon.exitCode !== null ? `it exited ${daemon.exitCode}: ` : '') + log().split('\n').slice(-8).join('\n'),
    );
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return engine;
}

/** Kills and deletes whatever tasks and containers a failed test left, in every namespace. */
async function cleanUpTasks(engine: PrivateContainerd): Promise<void> {
  const namespaces = engine.ctr(['namespaces', 'ls', '-q']);
  if (namespaces.status !== 0) return;
  for (const ns of namespaces.stdout.split('\n').filter(Boolean)) {
    for (const id of engine.ctr(['containers', 'ls', '-q'], { namespace: ns }).stdout.split('\n').filter(Boolean)) {
      engine.ctr(['tasks', 'kill', '--signal', 'SIGKILL', id], { namespace: ns });
      engine.ctr(['tasks', 'delete', '--force', id], { namespace: ns });
      engine.ctr(['containers', 'delete', id], { namespace: ns });
    }
  }
}

function configToml(dir: string, socket: string, runtime: LoggedRuntime, runtimeRoot: string, cri?: CriSetup): string {
  const q = JSON.stringify; // TOML basic strings escape like JSON's for these paths
  const lines = [
    'version = 2',
    `root = ${q(path.join(dir, 'root'))}`,
    `state = ${q(path.join(dir, 'state'))}`,
    // Not the CRI plugin: everything containerd's own plugins need is here too.
    cri ? '' : 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${q(socket)}`,
    '[ttrpc]',
    `  address = ${q(socket + '.ttrpc')}`,
    '[debug]',
    '  address = ""',
    '  level = "info"',
    '[metrics]',
    '  address = ""',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(path.join(dir, 'opt'))}`,
  ];
  if (cri) {
    const rt = `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${CRI_HANDLER}`;
    lines.push(
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = ${q(cri.sandboxImage)}`,
      // Pod network namespaces under our state dir, not /run/netns.
      '  netns_mounts_under_state_dir = true',
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      '  enable_selinux = false',
      // The sandbox's oom_score_adj -998 needs CAP_SYS_RESOURCE, which this machine withholds: clamp to ours.
      '  restrict_oom_score_adj = true',
      '[plugins."io.containerd.grpc.v1.cri".containerd]',
      `  default_runtime_name = ${q(CRI_HANDLER)}`,
      '  snapshotter = "overlayfs"',
      `[${rt}]`,
      '  runtime_type = "io.containerd.runc.v2"',
      `[${rt}.options]`,
      `  BinaryName = ${q(runtime.path)}`,
      `  Root = ${q(runtimeRoot)}`,
      '  SystemdCgroup = false',
      '[plugins."io.containerd.grpc.v1.cri".cni]',
      `  bin_dir = ${q(cri.cniBinDir)}`,
      `  conf_dir = ${q(cri.cniConfDir)}`,
    );
  }
  return lines.join('\n') + '\n';
}
