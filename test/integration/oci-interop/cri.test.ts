// Kubernetes' path to the runtime under test: containerd's CRI plugin with a
// runtime handler whose BinaryName is the runtime, driven over gRPC as a
// kubelet drives it (RunPodSandbox, CreateContainer, StartContainer, ExecSync,
// ContainerStatus, StopContainer, RemoveContainer, StopPodSandbox,
// RemovePodSandbox). One pod on the host network (NODE), one on a CNI bridge
// that lives in a network namespace the test creates. The pod sandbox image is
// the pause fixture, imported with `ctr -n k8s.io images import`; nothing is
// pulled, so no name is ever resolved.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CriClient, type PodSandboxConfig } from './cri/client';
import { createBridgeNetwork, type TestBridgeNetwork } from './engines/cni';
import { CRI_HANDLER, startContainerd, type PrivateContainerd } from './engines/containerd';
import { run, scratchDir, waitFor } from './engines/host';
import { ociArchive } from './engines/images';
import { loggedRuntime, runtimeUnderTest, type LoggedRuntime } from './runtime-under-test';

jest.setTimeout(300_000);

const PAUSE_IMAGE = 'berth.test/pause:latest';
const BUSYBOX_IMAGE = 'docker.io/library/busybox:latest';

describe(`containerd CRI, runtime handler ${CRI_HANDLER} = ${runtimeUnderTest().label}`, () => {
  let runtime: LoggedRuntime;
  let containerd: PrivateContainerd;
  let network: TestBridgeNetwork;
  let cri: CriClient;
  let work: string;
  const pods: string[] = [];

  const podConfig = (name: string, networkMode: 'NODE' | 'POD'): PodSandboxConfig => {
    const logDirectory = path.join(work, 'logs', name);
    fs.mkdirSync(logDirectory, { recursive: true });
    return {
      metadata: { name, uid: `uid-${name}`, namespace: 'berth-test', attempt: 0 },
      hostname: networkMode === 'NODE' ? '' : name,
      logDirectory,
      linux: { cgroupParent: containerd.cgroupParent, securityContext: { namespaceOptions: { network: networkMode, pid: 'CONTAINER', ipc: 'POD' } } },
    };
  };

  /** A busybox container in the pod, started, that sleeps; returns its id. */
  const startBox = async (podId: string, config: PodSandboxConfig): Promise<string> => {
    const id = await cri.createContainer(podId, {
      metadata: { name: 'box', attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sh', '-c', 'echo box started; exec sleep 1000'],
      logPath: 'box.log',
    }, config);
    await cri.startContainer(id);
    return id;
  };

  const text = (b: Buffer) => b.toString('utf8');

  beforeAll(async () => {
    runtime = loggedRuntime();
    work = scratchDir('berth-cri-test-');
    network = createBridgeNetwork(work);
    containerd = await startContainerd(runtime, { sandboxImage: PAUSE_IMAGE, cniBinDir: network.binDir, cniConfDir: network.confDir });
    containerd.importImage(ociArchive('pause', work), PAUSE_IMAGE.replace(/:latest$/, ''), 'k8s.io');
    containerd.importImage(ociArchive('busybox', work), BUSYBOX_IMAGE.replace(/:latest$/, ''), 'k8s.io');
    cri = new CriClient(containerd.socket);
  });

  afterAll(async () => {
    for (const id of pods) {
      await cri?.stopPodSandbox(id).catch(() => undefined);
      await cri?.removePodSandbox(id).catch(() => undefined);
    }
    cri?.close();
    runtime?.record('containerd-cri');
    await containerd?.stop();
    network?.cleanup();
    runtime?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the CRI answers Version and sees the imported pause and busybox images (so nothing is pulled)', async () => {
    const version = await cri.version();
    expect(version.runtimeName).toBe('containerd');
    expect(version.runtimeApiVersion).toBe('v1');
    // The CRI learns of images imported through ctr from containerd's events.
    for (const image of [PAUSE_IMAGE, BUSYBOX_IMAGE]) {
      await waitFor(`the CRI to see ${image}`, async () => (await cri.imageStatus(image)).image !== null, () => 'ImageStatus has no image', 10_000);
    }
  });

  test('a pod on the host network (NODE): sandbox, container, ExecSync, status, stop and remove', async () => {
    const config = podConfig('host-pod', 'NODE');
    const podId = await cri.runPodSandbox(config, CRI_HANDLER);
    pods.push(podId);
    const pod = await cri.podSandboxStatus(podId);
    expect(pod.status.state).toBe('SANDBOX_READY');
    expect(pod.status.runtimeHandler).toBe(CRI_HANDLER);
    // The sandbox (the pause container) was created by the runtime under test, from containerd's shim.
    const sandboxCreate = runtime.calls('create').find((c) => c.args.at(-1) === podId);
    expect(sandboxCreate?.parent).toBe('containerd-shim');

    const boxId = await startBox(podId, config);
    expect((await cri.containerStatus(boxId)).state).toBe('CONTAINER_RUNNING');
    expect(runtime.calls('start').some((c) => c.args.at(-1) === boxId)).toBe(true);

    const exec = await cri.execSync(boxId, ['sh', '-c', 'readlink /proc/self/ns/net; echo to-stderr >&2; exit 3']);
    expect(text(exec.stdout)).toBe(`${fs.readlinkSync('/proc/self/ns/net')}\n`); // the host's network namespace
    expect(text(exec.stderr)).toBe('to-stderr\n');
    expect(exec.exitCode).toBe(3);
    expect(runtime.calls('exec').some((c) => c.args.at(-1) === boxId)).toBe(true);

    const log = path.join(config.logDirectory!, 'box.log');
    await waitFor('the container log', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('box started'), () => 'no line yet');
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^\S+ stdout F box started\n/);

    await cri.stopPodSandbox(podId);
    const stopped = await cri.containerStatus(boxId);
    expect(stopped.state).toBe('CONTAINER_EXITED');
    expect(stopped.exitCode).toBe(137); // killed: sleep as PID 1 ignores SIGTERM
    expect((await cri.podSandboxStatus(podId)).status.state).toBe('SANDBOX_NOTREADY');
    await cri.removePodSandbox(podId);
    await expect(cri.containerStatus(boxId)).rejects.toThrow(/not found|does not exist/);
    for (const id of [podId, boxId]) expect(runtime.calls('delete').some((c) => c.args.at(-1) === id)).toBe(true);
  });

  test('a pod on the CNI bridge inside the test\'s network namespace: its own address, reachable from the bridge and back', async () => {
    const config = podConfig('bridge-pod', 'POD');
    const podId = await cri.runPodSandbox(config, CRI_HANDLER);
    pods.push(podId);
    const ip = (await cri.podSandboxStatus(podId)).status.network?.ip ?? '';
    expect(ip).toMatch(/^10\.88\.7\.\d+$/);

    const boxId = await startBox(podId, config);
    const inside = await cri.execSync(boxId, ['sh', '-c', 'hostname; ip -4 -o addr show dev eth0; ip route show default; readlink /proc/self/ns/net']);
    expect(inside.exitCode).toBe(0);
    const [hostname, addr, route, netns] = text(inside.stdout).trim().split('\n');
    expect(hostname).toBe('bridge-pod');
    expect(addr).toContain(`inet ${ip}/24`);
    expect(route).toContain(`default via ${network.gateway}`);
    expect(netns).not.toBe(fs.readlinkSync('/proc/self/ns/net'));

    // Traffic only between the pod and the namespace the test made.
    expect((await cri.execSync(boxId, ['ping', '-c', '1', '-W', '5', network.gateway])).exitCode).toBe(0);
    expect(network.inNetns(['busybox', 'ping', '-c', '1', '-W', '5', ip]).status).toBe(0);
    expect(run('ip', ['link', 'show', 'berthcri0']).status).not.toBe(0); // the bridge is not on the host

    await cri.stopContainer(boxId, 1);
    expect((await cri.containerStatus(boxId)).state).toBe('CONTAINER_EXITED');
    await cri.removeContainer(boxId);
    await cri.stopPodSandbox(podId);
    await cri.removePodSandbox(podId);
    // CNI DEL took the pod's veth away: only lo and the bridge are left in the test's namespace.
    const links = network.inNetns(['ip', '-o', 'link', 'show']).stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().replace(/@.*/, ''));
    expect(links.sort()).toEqual(['berthcri0', 'lo']);
  });
});
