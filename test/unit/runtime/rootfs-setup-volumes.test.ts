import { setupRootfs, RootfsSetup } from '../../../src/runtime/rootfs-setup';
import { recordingHostCalls } from './recording-host-calls';

const ROOTFS = '/var/lib/berth/containers/abc/rootfs';
const VOLUME = '/var/lib/berth/volumes/data/_data';

function setupOf(overrides: Partial<RootfsSetup> = {}): RootfsSetup {
  return {
    rootfs: ROOTFS,
    lowerDirs: ['/layers/top/diff'],
    upperDir: '/u',
    workDir: '/w',
    mounts: [
      { destination: '/data', type: 'bind', source: VOLUME, options: ['rbind'] },
      { destination: '/srv', type: 'bind', source: '/srv', options: ['rbind'] },
    ],
    devices: [],
    hostname: 'h',
    loopback: false,
    setHostname: false,
    sysctl: {},
    ...overrides,
  };
}

describe('setupRootfs volume content', () => {
  it('copies the image content into a new volume after the overlay and before mounting the volume', () => {
    const sys = recordingHostCalls();
    const filled = setupRootfs(setupOf({ volumeCopies: ['/data'] }), sys);
    expect(filled).toEqual(['/data']);
    const copies = sys.named('copyImageContent');
    expect(copies).toHaveLength(1);
    expect(copies[0].args.slice(1)).toEqual(['/data', VOLUME]);
    const overlay = sys.indexOf((c) => c.name === 'mount' && c.args[2] === 'overlay');
    const copy = sys.indexOf((c) => c.name === 'copyImageContent');
    const bind = sys.indexOf((c) => c.name === 'mount' && c.args[0] === VOLUME);
    expect(overlay).toBeGreaterThan(-1);
    expect(overlay).toBeLessThan(copy);
    expect(copy).toBeLessThan(bind);
    // The copy reads through the rootfs fd (resolution in the root), which is closed at the end.
    expect(sys.openFds.size).toBe(0);
  });

  it('copies nothing without volumeCopies', () => {
    const sys = recordingHostCalls();
    expect(setupRootfs(setupOf(), sys)).toEqual([]);
    expect(sys.named('copyImageContent')).toEqual([]);
  });
});
