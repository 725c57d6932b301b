import { normalizeCapability, recordedFlags } from '../../../../src/api/containers/recorded-flags';
import { defaultRunOptions } from '../../../../src/runtime/spec/run-options';

describe("recordedFlags: what create keeps for inspect's HostConfig and Mounts", () => {
  it("writes capabilities as Docker's CLI sends them", () => {
    expect(['net_admin', ' CHOWN', 'CAP_SYS_ADMIN', 'all'].map(normalizeCapability)).toEqual(['CAP_NET_ADMIN', 'CAP_CHOWN', 'CAP_SYS_ADMIN', 'ALL']);
  });

  it('keeps the typed flags and Docker mount points in flag order', () => {
    const options = {
      ...defaultRunOptions(),
      capAdd: ['net_admin'],
      tmpfs: ['/run:size=1m', '/tmp'],
      devices: ['/dev/fuse', '/dev/null:/dev/x:r'],
      ipc: 'shareable' as const,
    };
    const attached = {
      mounts: [
        { type: 'bind' as const, source: '/h', destination: '/b', readonly: true, propagation: 'rprivate' as const },
        { type: 'volume' as const, source: '/root/volumes/v1/_data', destination: '/v', readonly: false },
        { type: 'volume' as const, source: '/root/volumes/abc/_data', destination: '/anon', readonly: false },
        { type: 'tmpfs' as const, source: '', destination: '/t', readonly: false },
      ],
      mountPoints: [
        { name: 'v1', destination: '/v', copyData: true },
        { name: 'abc', destination: '/anon', copyData: true },
      ],
      anonymous: ['abc'],
    };
    const recorded = recordedFlags(options, attached);
    expect(recorded.capAdd).toEqual(['CAP_NET_ADMIN']);
    expect(recorded.capDrop).toBeUndefined();
    expect(recorded.tmpfs).toEqual({ '/run': 'size=1m', '/tmp': '' });
    expect(recorded.ipcMode).toBe('shareable');
    expect(recorded.devices).toEqual([
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'r' },
    ]);
    expect(recorded.mounts).toEqual([
      { Type: 'bind', Source: '/h', Destination: '/b', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'volume', Name: 'v1', Source: '/root/volumes/v1/_data', Destination: '/v', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
      { Type: 'volume', Name: 'abc', Source: '/root/volumes/abc/_data', Destination: '/anon', Driver: 'local', Mode: '', RW: true, Propagation: '' },
      { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' },
    ]);
  });
});
