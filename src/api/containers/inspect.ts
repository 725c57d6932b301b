/** Docker's `container inspect` document for a container. */
import { ContainerState } from '../../runtime/state';
import { dockerStateOf } from '../../runtime/status';
import { readSpec } from '../../runtime/start';

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  Image: string;
  Name: string;
  RestartCount: number;
  HostConfig: Record<string, unknown>;
  Config: Record<string, unknown>;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function inspectContainer(state: ContainerState): ContainerInspect {
  let spec: ReturnType<typeof readSpec> | undefined;
  try {
    spec = readSpec(state.bundle);
  } catch {
    spec = undefined;
  }
  const status = dockerStateOf(state);
  return {
    Id: state.id,
    Created: state.created,
    Path: state.command[0] ?? '',
    Args: state.command.slice(1),
    State: {
      Status: status,
      Running: status === 'running' || status === 'paused' || status === 'restarting',
      Paused: status === 'paused',
      Restarting: status === 'restarting',
      OOMKilled: Boolean(state.oomKilled),
      Dead: status === 'dead',
      Pid: state.pid ?? 0,
      ExitCode: state.exitCode ?? 0,
      Error: state.error ?? '',
      StartedAt: state.startedAt ?? ZERO_TIME,
      FinishedAt: state.finishedAt ?? ZERO_TIME,
    },
    Image: state.imageId,
    Name: `/${state.name}`,
    RestartCount: state.restartCount,
    HostConfig: {
      NetworkMode: state.hostConfig.networkMode,
      Privileged: state.hostConfig.privileged,
      ReadonlyRootfs: state.hostConfig.readonlyRootfs,
      AutoRemove: state.autoRemove,
      RestartPolicy: { Name: state.hostConfig.restartPolicy.name, MaximumRetryCount: state.hostConfig.restartPolicy.maximumRetryCount },
      Binds: state.hostConfig.binds,
      PortBindings: state.hostConfig.portBindings,
      Memory: spec?.linux.resources.memory?.limit ?? 0,
      PidsLimit: spec?.linux.resources.pids?.limit ?? null,
      CapAdd: null,
      CapDrop: null,
      Init: state.hostConfig.init,
    },
    Config: {
      Hostname: spec?.hostname ?? '',
      User: spec?.annotations['berth.user'] ?? '',
      Tty: state.hostConfig.tty,
      OpenStdin: state.hostConfig.interactive,
      Env: spec?.process.env ?? [],
      Cmd: state.command,
      Image: state.image,
      WorkingDir: spec?.process.cwd ?? '/',
      Labels: state.labels,
      StopSignal: state.hostConfig.stopSignal,
      ...(state.hostConfig.stopTimeout !== undefined ? { StopTimeout: state.hostConfig.stopTimeout } : {}),
    },
  };
}
