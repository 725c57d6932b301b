import { parseMountOptions } from '../../../src/runtime/mount-options';
import { MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC } from '../../../src/sys/mount';

describe('parseMountOptions', () => {
  test('flags and filesystem data are separated', () => {
    const p = parseMountOptions(['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
    expect(p.flags & MS_NOSUID).toBe(MS_NOSUID);
    expect(p.data).toBe('mode=755,size=65536k');
    expect(p.isBind).toBe(false);
  });

  test('rbind, ro and propagation', () => {
    const p = parseMountOptions(['rbind', 'ro', 'rprivate']);
    expect(p.flags).toBe(MS_BIND | MS_REC | MS_RDONLY);
    expect(p.propagation).toBe(MS_PRIVATE | MS_REC);
    expect(p.isBind).toBe(true);
  });

  test('later options clear earlier ones (rw after ro)', () => {
    expect(parseMountOptions(['ro', 'rw']).flags & MS_RDONLY).toBe(0);
    expect(parseMountOptions(['noexec', 'nodev', 'exec']).flags).toBe(MS_NODEV);
    expect(parseMountOptions(['noexec']).flags).toBe(MS_NOEXEC);
  });

  test('devpts options go to the data string', () => {
    expect(parseMountOptions(['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']).data).toBe(
      'newinstance,ptmxmode=0666,mode=0620,gid=5',
    );
  });
});

describe('parseMountOptions rro', () => {
  it('marks rro as recursive read-only (and read-only on the mount itself); a later rw undoes it', () => {
    expect(parseMountOptions(['rbind', 'rro'])).toMatchObject({ flags: MS_BIND | MS_REC | MS_RDONLY, recursiveReadonly: true });
    expect(parseMountOptions(['rbind', 'ro']).recursiveReadonly).toBe(false);
    expect(parseMountOptions(['rbind', 'rro', 'rw'])).toMatchObject({ flags: MS_BIND | MS_REC, recursiveReadonly: false });
  });
});
