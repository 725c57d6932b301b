// A CNI bridge network for CRI pods that never touches the host's network:
// the test creates a network namespace, and the `bridge` plugin that
// containerd runs is a wrapper that enters that namespace first, so the
// bridge, its gateway address and the host ends of the veths live there,
// while the pod ends go into each pod's own namespace as usual. Debian's
// containernetworking-plugins do the work (bridge, host-local, loopback); no
// masquerade, no port mapping, nothing in the host's netns or iptables.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mustRun, run, uniqueName } from './host';

const PLUGIN_DIR = '/usr/lib/cni';

export interface TestBridgeNetwork {
  /** The test's network namespace (`ip netns` name) holding the bridge. */
  netns: string;
  binDir: string;
  confDir: string;
  subnet: string;
  /** The bridge's address, the pods' default gateway. */
  gateway: string;
  /** `ip -n NETNS ARGS`-style: runs a command inside the test's namespace. */
  inNetns(command: string[]): { status: number; stdout: string; stderr: string };
  cleanup(): void;
}

export function createBridgeNetwork(dir: string): TestBridgeNetwork {
  const netns = uniqueName('berth-cri');
  const binDir = path.join(dir, 'cni-bin');
  const confDir = path.join(dir, 'cni-conf');
  const subnet = '10.88.7.0/24';
  const gateway = '10.88.7.1';
  fs.mkdirSync(binDir, { recursive: true });
  fs.mkdirSync(confDir, { recursive: true });
  mustRun('ip', ['netns', 'add', netns]);
  mustRun('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);

  for (const plugin of ['loopback', 'host-local']) fs.symlinkSync(path.join(PLUGIN_DIR, plugin), path.join(binDir, plugin));
  fs.writeFileSync(
    path.join(binDir, 'bridge'),
    `#!/bin/sh\n# The bridge plugin, run inside the test's network namespace.\nexec nsenter --net=/run/netns/${netns} ${PLUGIN_DIR}/bridge "$@"\n`,
    { mode: 0o755 },
  );
  const conflist = {
    cniVersion: '1.0.0',
    name: 'berth-cri-test',
    plugins: [
      {
        type: 'bridge',
        bridge: 'berthcri0',
        isGateway: true,
        isDefaultGateway: true,
        ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet, gateway }]], dataDir: path.join(dir, 'cni-ipam') },
      },
    ],
  };
  fs.writeFileSync(path.join(confDir, '10-berth-cri-test.conflist'), JSON.stringify(conflist, null, 2));
  return {
    netns,
    binDir,
    confDir,
    subnet,
    gateway,
    inNetns: (command) => run('ip', ['netns', 'exec', netns, ...command]),
    cleanup: () => {
      run('ip', ['netns', 'delete', netns]);
    },
  };
}
