import { cpuPercent, memoryPercent, parseNetDev, parseProcIo, parseSystemCpuNs } from '../../../../src/api/containers/stats';

describe('parseSystemCpuNs', () => {
  it('sums the first 7 fields of the cpu line (USER_HZ ticks) into ns, leaving steal and guest out', () => {
    const stat = 'cpu  100 2 30 1000 4 5 6 700 0 0\ncpu0 50 1 15 500 2 2 3 350 0 0\nintr 1 2 3\n';
    expect(parseSystemCpuNs(stat)).toBe((100 + 2 + 30 + 1000 + 4 + 5 + 6) * 10_000_000);
  });

  it('is 0 without a cpu line', () => {
    expect(parseSystemCpuNs('intr 1\n')).toBe(0);
  });
});

describe('cpuPercent', () => {
  it('is the container share of host CPU time, times the online CPUs (one busy core of two is 100%)', () => {
    const before = { cpuNs: 1e9, systemNs: 10e9 };
    const after = { cpuNs: 2e9, systemNs: 12e9, onlineCpus: 2 };
    expect(cpuPercent(before, after)).toBeCloseTo(100);
    expect(cpuPercent(before, { cpuNs: 1.25e9, systemNs: 12e9, onlineCpus: 2 })).toBeCloseTo(25);
  });

  it('is 0 when either delta is not positive (first sample, counter reset)', () => {
    expect(cpuPercent({ cpuNs: 5, systemNs: 10 }, { cpuNs: 5, systemNs: 20, onlineCpus: 4 })).toBe(0);
    expect(cpuPercent({ cpuNs: 5, systemNs: 10 }, { cpuNs: 9, systemNs: 10, onlineCpus: 4 })).toBe(0);
    expect(cpuPercent({ cpuNs: 9, systemNs: 10 }, { cpuNs: 5, systemNs: 20, onlineCpus: 4 })).toBe(0);
  });
});

describe('memoryPercent', () => {
  it('is usage over limit, 0 when no limit is known', () => {
    expect(memoryPercent(256, 1024)).toBe(25);
    expect(memoryPercent(256, 0)).toBe(0);
    expect(memoryPercent(256, Infinity)).toBe(0);
  });
});

describe('parseNetDev', () => {
  it('sums receive and transmit bytes of every interface but lo', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0',
      '  eth0:    1200      10    0    0    0     0          0         0      800       8    0    0    0     0       0          0',
      '  eth1:      34       1    0    0    0     0          0         0       66       1    0    0    0     0       0          0',
      '',
    ].join('\n');
    expect(parseNetDev(text)).toEqual({ rx: 1234, tx: 866 });
  });

  it('is zero for an empty namespace or no file', () => {
    expect(parseNetDev('')).toEqual({ rx: 0, tx: 0 });
  });
});

describe('parseProcIo', () => {
  it('takes read_bytes and write_bytes, not rchar/wchar', () => {
    const text = 'rchar: 9999\nwchar: 8888\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 12288\ncancelled_write_bytes: 0\n';
    expect(parseProcIo(text)).toEqual({ read: 4096, write: 12288 });
    expect(parseProcIo('')).toEqual({ read: 0, write: 0 });
  });
});
