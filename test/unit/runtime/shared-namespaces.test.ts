import { resolveContainerNamespaces, sharedContainerOf, withSharedContainerIds } from '../../../src/runtime/shared-namespaces';
import { ContainerState, processStartTime } from '../../../src/runtime/state';
import { defaultRunOptions } from '../../../src/runtime/spec/run-options';
import { NotFoundError } from '../../../src/errors/kinds';
import { minimalSpec } from './spec/minimal-spec';

const SELF = '11'.repeat(32);
const OTHER = '22'.repeat(32);

function stateOf(changes: Partial<ContainerState>): ContainerState {
  return { id: OTHER, status: 'running', pid: process.pid, pidStartTime: processStartTime(process.pid), ...changes } as ContainerState;
}

function specSharing(type: 'network' | 'ipc' | 'mount', id: string) {
  const spec = minimalSpec();
  spec.linux.namespaces = [{ type: 'mount' }, { type, path: `container:${id}` }];
  return spec;
}

describe('resolveContainerNamespaces', () => {
  it('points container:<id> at the running container\'s /proc/<pid>/ns entry, leaving the spec untouched', () => {
    const spec = specSharing('network', OTHER);
    const resolved = resolveContainerNamespaces(spec, SELF, () => stateOf({}));
    expect(resolved.linux.namespaces).toEqual([{ type: 'mount' }, { type: 'network', path: `/proc/${process.pid}/ns/net` }]);
    expect(spec.linux.namespaces[1].path).toBe(`container:${OTHER}`);
  });

  it('refuses a stopped container, a pid reused by another process, itself, and kinds it cannot share', () => {
    expect(() => resolveContainerNamespaces(specSharing('ipc', OTHER), SELF, () => stateOf({ status: 'stopped', pid: undefined }))).toThrow(
      `cannot join IPC of a non running container: ${OTHER}`,
    );
    expect(() => resolveContainerNamespaces(specSharing('network', OTHER), SELF, () => stateOf({ pidStartTime: '1' }))).toThrow(
      `cannot join network of a non running container: ${OTHER}`,
    );
    expect(() => resolveContainerNamespaces(specSharing('network', SELF), SELF, () => stateOf({}))).toThrow('cannot join own network');
    expect(() => resolveContainerNamespaces(specSharing('mount', OTHER), SELF, () => stateOf({}))).toThrow(/not supported/);
  });

  it('returns a spec with no container: paths as it is, without looking anything up', () => {
    const spec = minimalSpec();
    expect(resolveContainerNamespaces(spec, SELF, () => {
      throw new Error('no lookup');
    })).toBe(spec);
    expect(sharedContainerOf({ path: '/proc/1/ns/net' })).toBeUndefined();
  });
});

describe('withSharedContainerIds', () => {
  it('names the other container by its full ID; other modes pass through', () => {
    const ids: Record<string, string> = { web: OTHER };
    const idOf = (ref: string): string => {
      if (!ids[ref]) throw new NotFoundError(`No such container: ${ref}`);
      return ids[ref];
    };
    const options = withSharedContainerIds({ ...defaultRunOptions(), network: 'container:web', ipc: 'container:web' }, idOf);
    expect([options.network, options.ipc]).toEqual([`container:${OTHER}`, `container:${OTHER}`]);
    expect(withSharedContainerIds({ ...defaultRunOptions(), network: 'host', ipc: 'host' }, idOf)).toMatchObject({ network: 'host', ipc: 'host' });
    expect(() => withSharedContainerIds({ ...defaultRunOptions(), network: 'container:nope' }, idOf)).toThrow('No such container: nope');
  });
});
