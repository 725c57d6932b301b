// podman (Debian's 4.3) with `--runtime` pointing at the runtime under test,
// all its storage and state in a temp dir (--root, --runroot, --tmpdir), its
// own containers.conf, cgroupfs, file events, no network set-up (containers
// run with --network none). Images come from the fixtures' OCI layouts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FixtureName } from '../../helpers/fixtures';
import type { LoggedRuntime } from '../runtime-under-test';
import { ociReference } from './images';
import { mustRun, pidsWithArgument, removeCgroup, removeTree, run, scratchDir, stopPids, uniqueName, type CommandResult, type RunOptions } from './host';

export interface PrivatePodman {
  dir: string;
  /** Cgroup parent to give `run --cgroup-parent`. */
  cgroupParent: string;
  /** The global flags that make `podman` this private instance. */
  globalArgs: string[];
  env: NodeJS.ProcessEnv;
  podman(args: string[], opts?: RunOptions): CommandResult;
  /** Pulls a fixture from its OCI layout and tags it `localhost/NAME:latest`. */
  loadFixture(name: FixtureName): void;
  stop(): Promise<void>;
}

export function startPodman(runtime: LoggedRuntime): PrivatePodman {
  const dir = scratchDir('berth-podman-');
  const cgroupParent = `/${uniqueName('berth-interop')}`;
  const confPath = path.join(dir, 'containers.conf');
  // Podman's default rlimits for root (nofile and nproc 1048576) exceed this
  // machine's hard limits, and raising a hard limit needs CAP_SYS_RESOURCE.
  fs.writeFileSync(
    confPath,
    ['[containers]', 'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]', '[engine]', 'cgroup_manager = "cgroupfs"', 'events_logger = "file"', ''].join('\n'),
  );
  const env = { ...process.env, CONTAINERS_CONF: confPath };
  const globalArgs = [
    '--root', path.join(dir, 'root'),
    '--runroot', path.join(dir, 'runroot'),
    '--tmpdir', path.join(dir, 'tmp'),
    '--storage-driver', 'overlay',
    '--runtime', runtime.path,
    '--cgroup-manager', 'cgroupfs',
    '--events-backend', 'file',
  ];
  const podman = (args: string[], opts?: RunOptions) => run('podman', [...globalArgs, ...args], { env, ...opts });
  return {
    dir,
    cgroupParent,
    globalArgs,
    env,
    podman,
    loadFixture: (name) => {
      const pulled = mustRun('podman', [...globalArgs, 'pull', '--quiet', ociReference(name)], { env }).trim();
      mustRun('podman', [...globalArgs, 'tag', pulled, `localhost/${name}:latest`], { env });
    },
    stop: async () => {
      podman(['rm', '--all', '--force', '--time', '0']);
      // conmon outlives podman; each one names our wrapper (`-r PATH`) in its argv.
      await stopPids(pidsWithArgument(runtime.path));
      removeTree(dir);
      removeCgroup(cgroupParent);
    },
  };
}
