import {
  CAPABILITIES,
  capabilitiesInMask,
  normalizeCapabilities,
  parseCapabilityMask,
  resolveCapabilities,
} from '../../../../src/runtime/spec/capabilities';
import { DEFAULT_CAPABILITIES } from '../../../../src/runtime/spec/defaults';
import { capabilityMask } from '../../../../src/runtime/init-plan';

const FULL = (1n << 41n) - 1n; // CAP_CHOWN .. CAP_CHECKPOINT_RESTORE
const WITHOUT_SYS_RESOURCE = 0x1fffeffffffn; // this sandbox's CapBnd

function resolve(capAdd: string[] = [], capDrop: string[] = [], privileged = false, set = FULL): string[] {
  return resolveCapabilities({ capAdd, capDrop, privileged, callerBoundingSet: set });
}

describe('capability names and masks', () => {
  it('numbers capabilities as linux/capability.h does', () => {
    expect(CAPABILITIES).toHaveLength(41);
    expect(CAPABILITIES[0]).toBe('CAP_CHOWN');
    expect(CAPABILITIES[21]).toBe('CAP_SYS_ADMIN');
    expect(CAPABILITIES[24]).toBe('CAP_SYS_RESOURCE');
    expect(CAPABILITIES[40]).toBe('CAP_CHECKPOINT_RESTORE');
  });
  it('reads CapBnd from /proc/self/status', () => {
    const status = 'Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapBnd:\t000001fffeffffff\n';
    expect(parseCapabilityMask(status)).toBe(WITHOUT_SYS_RESOURCE);
    expect(parseCapabilityMask(status, 'CapPrm')).toBe(FULL);
    expect(() => parseCapabilityMask('Name:\tx\n')).toThrow('no `CapBnd` line');
  });
  it('turns masks into names and back', () => {
    expect(capabilitiesInMask(0b101n)).toEqual(['CAP_CHOWN', 'CAP_DAC_READ_SEARCH']);
    expect(capabilitiesInMask(WITHOUT_SYS_RESOURCE)).not.toContain('CAP_SYS_RESOURCE');
    expect(capabilitiesInMask(WITHOUT_SYS_RESOURCE)).toHaveLength(40);
    expect(capabilityMask(['CAP_CHOWN', 'CAP_KILL'])).toBe(0b100001n);
    expect(capabilityMask(capabilitiesInMask(WITHOUT_SYS_RESOURCE))).toBe(WITHOUT_SYS_RESOURCE);
    expect(capabilityMask([...DEFAULT_CAPABILITIES])).toBe(0xa80425fbn); // Docker's well-known CapBnd
  });
  it('ignores bits berth has no name for', () => {
    expect(capabilitiesInMask(1n << 50n)).toEqual([]);
  });
});

describe('normalizeCapabilities', () => {
  it('upper-cases and adds CAP_', () => {
    expect(normalizeCapabilities(['net_admin', 'CAP_sys_ptrace', 'Kill', 'all'], CAPABILITIES)).toEqual([
      'CAP_NET_ADMIN',
      'CAP_SYS_PTRACE',
      'CAP_KILL',
      'ALL',
    ]);
  });
  it('refuses unknown names with Docker’s message', () => {
    expect(() => normalizeCapabilities(['foo'], CAPABILITIES)).toThrow('unknown capability: "CAP_FOO"');
    expect(() => normalizeCapabilities(['CAP_NOPE'], CAPABILITIES)).toThrow('unknown capability: "CAP_NOPE"');
  });
  it('refuses known names the caller does not hold', () => {
    expect(() => normalizeCapabilities(['SYS_RESOURCE'], capabilitiesInMask(WITHOUT_SYS_RESOURCE))).toThrow(
      'capability not supported by your kernel or not available in the current environment: "CAP_SYS_RESOURCE"',
    );
  });
});

describe('resolveCapabilities (TweakCapabilities)', () => {
  it('gives Docker’s 14 defaults', () => {
    expect(resolve()).toEqual([...DEFAULT_CAPABILITIES]);
    expect(resolve()).toHaveLength(14);
  });
  it('drops then adds', () => {
    const caps = resolve(['NET_ADMIN', 'sys_ptrace'], ['net_raw', 'CAP_MKNOD']);
    expect(caps).not.toContain('CAP_NET_RAW');
    expect(caps).not.toContain('CAP_MKNOD');
    expect(caps.slice(-2)).toEqual(['CAP_NET_ADMIN', 'CAP_SYS_PTRACE']);
    expect(caps).toHaveLength(14);
  });
  it('adding a default twice does not duplicate it', () => {
    expect(resolve(['chown'])).toEqual([...DEFAULT_CAPABILITIES]);
  });
  it('--cap-drop ALL keeps only the adds', () => {
    expect(resolve(['NET_BIND_SERVICE'], ['ALL'])).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(resolve([], ['all'])).toEqual([]);
  });
  it('--cap-add ALL gives everything held, minus drops', () => {
    const caps = resolve(['ALL'], ['SYS_ADMIN'], false, WITHOUT_SYS_RESOURCE);
    expect(caps).toHaveLength(39);
    expect(caps).not.toContain('CAP_SYS_ADMIN');
    expect(caps).not.toContain('CAP_SYS_RESOURCE');
  });
  it('--privileged gives every capability of the caller’s bounding set, never more', () => {
    expect(resolve([], [], true, WITHOUT_SYS_RESOURCE)).toEqual(capabilitiesInMask(WITHOUT_SYS_RESOURCE));
    expect(resolve([], [], true, WITHOUT_SYS_RESOURCE)).not.toContain('CAP_SYS_RESOURCE');
    expect(resolve([], [], true, FULL)).toEqual([...CAPABILITIES]);
  });
  it('leaves out defaults the caller lacks', () => {
    const noRaw = FULL & ~(1n << 13n);
    expect(resolve([], [], false, noRaw)).not.toContain('CAP_NET_RAW');
    expect(resolve([], [], false, noRaw)).toHaveLength(13);
  });
  it('checks names even when privileged is not set and nothing else changes', () => {
    expect(() => resolve(['CAP_WHATEVER'])).toThrow('unknown capability: "CAP_WHATEVER"');
    expect(() => resolve([], ['bogus'])).toThrow('unknown capability: "CAP_BOGUS"');
  });
});
