// The rows `stats`, `system df` and `info` print: Docker's units and percentages.
import { statsView } from '../../../../src/cli/commands/container/stats';
import { diskUsageView } from '../../../../src/cli/commands/system/df';
import { infoText } from '../../../../src/cli/commands/system/info';
import { humanBinarySize } from '../../../../src/cli/output/units';

describe('humanBinarySize (go-units BytesSize)', () => {
  it('uses 1024 steps and 4 significant digits', () => {
    expect(humanBinarySize(0)).toBe('0B');
    expect(humanBinarySize(1023)).toBe('1023B');
    expect(humanBinarySize(1024)).toBe('1KiB');
    expect(humanBinarySize(1536 * 1024)).toBe('1.5MiB');
    expect(humanBinarySize(8_200_000_000)).toBe('7.637GiB');
  });
});

describe('statsView', () => {
  const stats = {
    id: 'a'.repeat(64), name: 'web', cpuPercent: 12.345, memoryUsage: 1536 * 1024, memoryLimit: 512 * 1024 * 1024,
    memoryPercent: 0.29296875, netRx: 1234, netTx: 0, blockRead: 4_100_000, blockWrite: 8192, pids: 3,
  };

  it('formats like docker stats', () => {
    expect(statsView(stats, 'web', false)).toEqual({
      Container: 'web', ID: 'aaaaaaaaaaaa', Name: 'web', CPUPerc: '12.35%', MemUsage: '1.5MiB / 512MiB', MemPerc: '0.29%',
      NetIO: '1.23kB / 0B', BlockIO: '4.1MB / 8.19kB', PIDs: '3',
    });
    expect(statsView(stats, 'web', true).ID).toBe('a'.repeat(64));
  });
});

describe('diskUsageView', () => {
  it('shows the reclaimable share as a truncated percentage', () => {
    expect(diskUsageView({ Type: 'Images', TotalCount: 3, Active: 1, Size: 16_430_000, Reclaimable: 11_630_000 })).toEqual({
      Type: 'Images', TotalCount: '3', Active: '1', Size: '16.43MB', Reclaimable: '11.63MB (70%)',
    });
  });

  it('leaves the percentage out when nothing is there', () => {
    expect(diskUsageView({ Type: 'Local Volumes', TotalCount: 0, Active: 0, Size: 0, Reclaimable: 0 }).Reclaimable).toBe('0B');
  });
});

describe('infoText', () => {
  it('prints the container counts, drivers and the data root', () => {
    const text = infoText({
      Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2, Images: 4, ServerVersion: '0.1.0',
      Driver: 'overlay', CgroupDriver: 'cgroupfs', CgroupVersion: '2', InitBinary: 'docker-init', KernelVersion: '6.1.0',
      OperatingSystem: 'Debian GNU/Linux 12 (bookworm)', OSType: 'linux', Architecture: 'x86_64', NCPU: 2,
      MemTotal: 8_200_000_000, Name: 'host', BerthRootDir: '/var/lib/berth',
    });
    expect(text).toContain(' Containers: 3\n  Running: 1\n  Paused: 0\n  Stopped: 2\n Images: 4\n');
    expect(text).toContain(' Storage Driver: overlay\n Cgroup Driver: cgroupfs\n Cgroup Version: 2\n');
    expect(text).toContain(' Total Memory: 7.637GiB\n');
    expect(text.endsWith(' Berth Root Dir: /var/lib/berth')).toBe(true);
  });
});
