import { stopContainer, StopDeps } from '../../../../src/api/containers/stop';
import { ContainerState } from '../../../../src/runtime/state';

function container(overrides: Partial<ContainerState['hostConfig']> = {}): ContainerState {
  return {
    ociVersion: '1.0.2', id: 'c'.repeat(64), status: 'running', pid: 42, bundle: '/b', name: 'web', image: 'busybox', imageId: 'i',
    command: ['sh'], created: '2024-01-01T00:00:00Z', labels: {}, autoRemove: false, restartCount: 0,
    hostConfig: {
      networkMode: 'default', privileged: false, readonlyRootfs: false, tty: false, interactive: false, init: false,
      restartPolicy: { name: 'no', maximumRetryCount: 0 }, portBindings: {}, binds: [], anonymousVolumes: [], ...overrides,
    },
  };
}

/** A container that dies on the signals in `fatal`, as a real one would after kill(2). */
function fakeDeps(state: ContainerState, fatal: Array<string | number>): StopDeps & { sent: Array<string | number> } {
  const sent: Array<string | number> = [];
  return {
    sent,
    find: () => state,
    kill: (_id, signal) => {
      sent.push(signal);
      if (fatal.includes(signal)) state.status = 'stopped';
    },
  };
}

describe('stopContainer', () => {
  it('sends SIGTERM and stops there when the container exits on it', async () => {
    const state = container();
    const deps = fakeDeps(state, ['SIGTERM']);
    expect((await stopContainer(deps, state, 5)).status).toBe('stopped');
    expect(deps.sent).toEqual(['SIGTERM']);
  });

  it("sends the image's STOPSIGNAL instead of SIGTERM", async () => {
    const state = container({ stopSignal: 'SIGQUIT' });
    const deps = fakeDeps(state, ['SIGQUIT']);
    await stopContainer(deps, state, 5);
    expect(deps.sent).toEqual(['SIGQUIT']);
  });

  it('sends SIGKILL once the grace period is over', async () => {
    const state = container();
    const deps = fakeDeps(state, ['SIGKILL']);
    const began = Date.now();
    await stopContainer(deps, state, 0.2);
    expect(deps.sent).toEqual(['SIGTERM', 'SIGKILL']);
    expect(Date.now() - began).toBeGreaterThanOrEqual(190);
  });

  it("uses the container's own stop timeout when none is given", async () => {
    const state = container({ stopTimeout: 0 });
    const deps = fakeDeps(state, ['SIGKILL']);
    await stopContainer(deps, state);
    expect(deps.sent).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('leaves a container that is not running as it is', async () => {
    const state = { ...container(), status: 'stopped' as const };
    const deps = fakeDeps(state, []);
    expect(await stopContainer(deps, state, 1)).toBe(state);
    expect(deps.sent).toEqual([]);
  });
});
