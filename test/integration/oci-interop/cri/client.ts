// A small CRI client: what a kubelet asks of containerd's CRI plugin over
// gRPC on containerd's socket, with the messages of runtime-v1.proto.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface PodSandboxConfig {
  metadata: { name: string; uid: string; namespace: string; attempt?: number };
  hostname?: string;
  logDirectory?: string;
  labels?: Record<string, string>;
  linux?: {
    cgroupParent?: string;
    securityContext?: { namespaceOptions?: { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode } };
  };
}

export interface ContainerConfig {
  metadata: { name: string; attempt?: number };
  image: { image: string };
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: Array<{ key: string; value: string }>;
  logPath?: string;
  tty?: boolean;
}

export interface PodSandboxStatus {
  id: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  network?: { ip: string };
  runtimeHandler: string;
}

export interface ContainerStatus {
  id: string;
  state: ContainerState;
  exitCode: number;
  startedAt: number;
  finishedAt: number;
  reason: string;
  logPath: string;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

type Unary = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response: unknown) => void) => void;

/** No call waits longer (a hung shim must fail the test, not the job). */
const CALL_DEADLINE_MS = 120_000;

const PROTO = path.join(__dirname, 'runtime-v1.proto');

export class CriClient {
  private readonly runtime: grpc.Client;
  private readonly images: grpc.Client;

  constructor(socket: string) {
    const definition = protoLoader.loadSync(PROTO, { keepCase: false, longs: Number, enums: String, defaults: true });
    const v1 = (grpc.loadPackageDefinition(definition).runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
    const address = `unix://${socket}`;
    const credentials = grpc.credentials.createInsecure();
    this.runtime = new (v1.RuntimeService as grpc.ServiceClientConstructor)(address, credentials);
    this.images = new (v1.ImageService as grpc.ServiceClientConstructor)(address, credentials);
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    return this.call(this.runtime, 'Version', { version: 'v1' });
  }

  async imageStatus(image: string): Promise<{ image: { id: string; repoTags: string[] } | null }> {
    return this.call(this.images, 'ImageStatus', { image: { image } });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler: string): Promise<string> {
    return (await this.call<{ podSandboxId: string }>(this.runtime, 'RunPodSandbox', { config, runtimeHandler })).podSandboxId;
  }

  async podSandboxStatus(podSandboxId: string): Promise<{ status: PodSandboxStatus; info: Record<string, string> }> {
    return this.call(this.runtime, 'PodSandboxStatus', { podSandboxId, verbose: true });
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { podSandboxId });
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    return (await this.call<{ containerId: string }>(this.runtime, 'CreateContainer', { podSandboxId, config, sandboxConfig })).containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { containerId });
  }

  async stopContainer(containerId: string, timeout: number): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { containerId, timeout });
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { containerId });
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return (await this.call<{ status: ContainerStatus }>(this.runtime, 'ContainerStatus', { containerId })).status;
  }

  async execSync(containerId: string, cmd: string[], timeout = 30): Promise<ExecSyncResult> {
    return this.call(this.runtime, 'ExecSync', { containerId, cmd, timeout });
  }

  private call<T>(client: grpc.Client, method: string, request: object): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method].bind(client);
    return new Promise((resolve, reject) =>
      fn(request, new grpc.Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err, response) => (err ? reject(new Error(`CRI ${method}: ${err.details || err.message}`)) : resolve(response as T))),
    );
  }
}
