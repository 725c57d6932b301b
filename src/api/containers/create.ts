/**
 * create: resolve the image (pulling it when missing, as `docker run`
 * does), reserve an ID and a name, write the OCI bundle (config.json and
 * the per-container /etc files) and a `created` state.
 */
import * as fs from 'node:fs';
import { Images } from '../images/images';
import type { PullEvent } from '../images/pull';
import { ContainerStore } from '../../runtime/container-store';
import { ContainerState } from '../../runtime/state';
import { buildSpec } from '../../runtime/spec/build-spec';
import { RunOptions } from '../../runtime/spec/run-options';
import type { ContainerConfig } from '../../image/oci-types';
import { serializeSpec } from '../../runtime/spec/types';
import { defaultHostname } from '../../runtime/spec/defaults';
import { writeFileAtomic } from '../../sys/atomic-file';
import { callerBoundingSet, callerHardLimits, hostFacts } from './host-facts';
import { copyEtcFiles, writeEtcFiles } from './etc-files';
import { reaperBinary } from '../../runtime/reaper-binary';
import { InvalidContentError, NotFoundError, UsageError } from '../../errors/kinds';
import { envKeyWithNul, processConfigProblem } from '../../image/image-config';
import { signalNumber } from './signal';
import { Volumes } from '../volumes/volumes';
import { attachVolumes, AttachedVolumes } from './volume-mounts';
import { BerthError } from '../../errors/berth-error';
import { ExitCode } from '../../errors/exit-codes';
import { createdConfig } from './container-config';
import { recordedFlags } from './recorded-flags';
import { writeInitLayer } from './init-layer';
import { bundlePaths } from '../../runtime/spec-to-init';
import { withSharedContainerIds } from '../../runtime/shared-namespaces';

export type PullPolicy = 'missing' | 'always' | 'never';

export interface CreateRequest {
  image: string;
  options: RunOptions;
  pull?: PullPolicy;
  platform?: string;
  autoRemove?: boolean;
  restartPolicy?: { name: string; maximumRetryCount: number };
  /** `run -d`: no stream is attached (Docker records Config.AttachStdin/out/err false). */
  detach?: boolean;
  /** Told before a missing image is pulled (Docker prints "Unable to find image ... locally"). */
  onPull?: (reference: string) => void;
  onPullEvent?: (event: PullEvent) => void;
}

/** Errors of run/create are Docker's 125 unless they carry a code of their own. */
function asRunError(err: unknown): unknown {
  if (err instanceof BerthError && err.exitCode === 1) err.exitCode = ExitCode.RuntimeFailure;
  return err;
}

async function ensureImage(images: Images, request: CreateRequest): Promise<string> {
  const policy = request.pull ?? 'missing';
  if (policy === 'always' || (policy === 'missing' && !images.exists(request.image))) {
    if (policy === 'missing') request.onPull?.(request.image);
    const pulled = await images.pull(request.image, { platform: request.platform, onEvent: request.onPullEvent });
    return pulled.id;
  }
  if (!images.exists(request.image)) throw new NotFoundError(`No such image: ${request.image}`);
  return images.get(request.image).id;
}

/** What dockerd refuses before it looks for the image (its verifyContainerSettings). */
function verifyRequest(request: CreateRequest): void {
  const nul = envKeyWithNul(request.options.env);
  if (nul !== undefined) throw new UsageError(`create: environment variable \`${nul}\` holds a NUL byte`);
  const { stopSignal } = request.options;
  if (stopSignal !== undefined && stopSignal !== '') signalNumber(stopSignal);
  if (request.autoRemove && request.restartPolicy !== undefined && request.restartPolicy.name !== 'no') {
    throw new UsageError("can't create 'AutoRemove' container with restart policy");
  }
}

/** The container whose network namespace `--network container:ID` shares (IDs resolved already). */
function sharedNetworkOf(options: RunOptions, containers: ContainerStore): ContainerState | undefined {
  const network = options.network;
  return typeof network === 'string' && network.startsWith('container:') ? containers.get(network.slice('container:'.length)) : undefined;
}

/** `-v /path` (an anonymous volume) is a VOLUME of the container's config too, as Docker records it. */
function withAnonymousVolumes(config: ContainerConfig, options: RunOptions): ContainerConfig {
  const targets = options.mounts.filter((m) => m.type === 'volume' && m.source === '').map((m) => m.destination);
  if (targets.length === 0) return config;
  return { ...config, Volumes: { ...config.Volumes, ...Object.fromEntries(targets.map((t) => [t, {}])) } };
}

export async function createContainer(
  images: Images,
  containers: ContainerStore,
  volumes: Volumes,
  request: CreateRequest,
  cgroupVersion: 1 | 2,
): Promise<ContainerState> {
  try {
    verifyRequest(request);
    const imageId = await ensureImage(images, request);
    const record = images.get(imageId);
    const config = images.config(imageId);
    // An image kept before its config was checked where it entered (pull, load) is checked here.
    const problem = processConfigProblem(config.config);
    if (problem) throw new InvalidContentError(`create: image config \`${imageId}\` cannot run: ${problem}`);
    // `--network container:NAME`: a missing container fails here, as in Docker; the ID is what is kept.
    const options = withSharedContainerIds(request.options, (ref) => containers.get(ref).id);
    let bundleDir: string | undefined;
    let attached: AttachedVolumes | undefined;
    return await containers.reserve(options.name, (id, name) => {
      bundleDir = containers.dir(id);
      fs.mkdirSync(bundleDir, { recursive: true, mode: 0o711 });
      const facts = hostFacts();
      const donor = sharedNetworkOf(options, containers);
      const copied = donor ? copyEtcFiles(donor.bundle, bundleDir) : undefined;
      const hostname = options.hostname || copied?.hostname || (options.network === 'host' ? facts.hostHostname : defaultHostname(id));
      const etc = copied?.files ?? writeEtcFiles(bundleDir, hostname, options.network === 'host');
      attached = attachVolumes(volumes, options, config);
      writeInitLayer(bundlePaths(bundleDir).init, images.store.layers.lowerDirs(record.layers[record.layers.length - 1]?.chainId));
      const built = buildSpec({
        id,
        image: config,
        options: { ...options, hostname, mounts: attached.mounts },
        rootfs: `${bundleDir}/rootfs`,
        callerBoundingSet: callerBoundingSet(),
        callerHardLimits: callerHardLimits(),
        numCpus: facts.numCpus,
        hostHostname: facts.hostHostname,
        cgroupVersion,
        etcFiles: etc,
        initBinary: options.init ? reaperBinary() : undefined,
      });
      built.spec.annotations['berth.user'] = built.userSpec;
      writeFileAtomic(`${bundleDir}/config.json`, serializeSpec(built.spec));
      return {
        ociVersion: built.spec.ociVersion,
        id,
        status: 'created',
        bundle: bundleDir,
        name,
        image: request.image,
        imageId,
        topLayer: record.layers[record.layers.length - 1]?.chainId,
        command: [...built.entrypoint, ...built.cmd],
        config: withAnonymousVolumes(createdConfig(built, config, options.workdir), options),
        created: new Date().toISOString(),
        labels: built.labels,
        autoRemove: request.autoRemove ?? false,
        restartCount: 0,
        hostConfig: {
          networkMode: options.network === 'default' ? 'none' : options.network,
          privileged: options.privileged,
          readonlyRootfs: options.readOnly,
          tty: options.tty,
          interactive: options.interactive,
          init: options.init,
          restartPolicy: request.restartPolicy ?? { name: 'no', maximumRetryCount: 0 },
          portBindings: {},
          binds: options.mounts.filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.destination}${m.readonly ? ':ro' : ''}`),
          anonymousVolumes: attached.anonymous,
          stopSignal: built.stopSignal,
          ...(options.stopTimeout !== undefined ? { stopTimeout: options.stopTimeout } : {}),
          ...recordedFlags(options, attached),
          attach: request.detach ? { stdin: false, stdout: false, stderr: false } : { stdin: options.interactive, stdout: true, stderr: true },
        },
        volumes: attached.mountPoints,
        cgroupsPath: built.spec.linux.cgroupsPath,
      };
    }).catch((err) => {
      if (bundleDir && !fs.existsSync(`${bundleDir}/state.json`)) {
        fs.rmSync(bundleDir, { recursive: true, force: true });
        attached?.rollback();
      }
      throw err;
    });
  } catch (err) {
    throw asRunError(err);
  }
}
