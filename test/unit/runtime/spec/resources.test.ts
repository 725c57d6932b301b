import { buildResources, MIN_MEMORY } from '../../../../src/runtime/spec/resources';

const MiB = 1024 * 1024;

describe('buildResources', () => {
  it('sets nothing by default', () => {
    expect(buildResources({}, 2)).toEqual({});
  });
  it('--memory sets the limit and a swap of twice the memory', () => {
    expect(buildResources({ memory: 64 * MiB }, 2)).toEqual({ memory: { limit: 64 * MiB, swap: 128 * MiB } });
  });
  it('--memory-swap -1 leaves swap unlimited (absent)', () => {
    expect(buildResources({ memory: 64 * MiB, memorySwap: -1 }, 2)).toEqual({ memory: { limit: 64 * MiB } });
  });
  it('--memory-swap equal to --memory disables swap', () => {
    expect(buildResources({ memory: 64 * MiB, memorySwap: 64 * MiB }, 2).memory).toEqual({ limit: 64 * MiB, swap: 64 * MiB });
  });
  it('enforces Docker’s 6 MB minimum', () => {
    expect(MIN_MEMORY).toBe(6291456);
    expect(buildResources({ memory: MIN_MEMORY }, 1).memory?.limit).toBe(MIN_MEMORY);
    expect(() => buildResources({ memory: MIN_MEMORY - 1 }, 1)).toThrow('Minimum memory limit allowed is 6MB');
    expect(() => buildResources({ memory: 4 * MiB }, 1)).toThrow('Minimum memory limit allowed is 6MB');
  });
  it('checks swap against memory', () => {
    expect(() => buildResources({ memory: 64 * MiB, memorySwap: 32 * MiB }, 1)).toThrow(
      'Minimum memoryswap limit should be larger than memory limit, see usage',
    );
    expect(() => buildResources({ memorySwap: 32 * MiB }, 1)).toThrow(
      'You should always set the Memory limit when using Memoryswap limit, see usage',
    );
  });
  it('checks the reservation', () => {
    expect(buildResources({ memoryReservation: 32 * MiB }, 1)).toEqual({ memory: { reservation: 32 * MiB } });
    expect(() => buildResources({ memoryReservation: MiB }, 1)).toThrow('Minimum memory reservation allowed is 6MB');
    expect(() => buildResources({ memory: 16 * MiB, memoryReservation: 32 * MiB }, 1)).toThrow(
      'Minimum memory limit can not be less than memory reservation limit, see usage',
    );
  });
  it('--cpus sets a 100ms period and the matching quota', () => {
    expect(buildResources({ nanoCpus: 1_500_000_000 }, 2)).toEqual({ cpu: { period: 100000, quota: 150000 } });
    expect(buildResources({ nanoCpus: 10_000_000 }, 2).cpu).toEqual({ period: 100000, quota: 1000 });
  });
  it('--cpus must fit the machine', () => {
    expect(() => buildResources({ nanoCpus: 3_000_000_000 }, 2)).toThrow(
      'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available',
    );
    expect(() => buildResources({ nanoCpus: -1 }, 2)).toThrow('range of CPUs is from 0.01 to 2.00');
  });
  it('cpu shares and cpusets', () => {
    expect(buildResources({ cpuShares: 512, cpusetCpus: '0-1', cpusetMems: '0' }, 2)).toEqual({
      cpu: { shares: 512, cpus: '0-1', mems: '0' },
    });
    expect(() => buildResources({ cpuShares: -5 }, 2)).toThrow('invalid CPU shares (-5): value must be a positive integer');
  });
  it('--pids-limit, with 0 or less meaning unlimited (-1)', () => {
    expect(buildResources({ pidsLimit: 100 }, 1)).toEqual({ pids: { limit: 100 } });
    expect(buildResources({ pidsLimit: 0 }, 1)).toEqual({ pids: { limit: -1 } });
    expect(buildResources({ pidsLimit: -1 }, 1)).toEqual({ pids: { limit: -1 } });
  });
});
