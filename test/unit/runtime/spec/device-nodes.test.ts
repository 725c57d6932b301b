import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devicesFromPath, listHostDevices, splitDevNumber } from '../../../../src/runtime/spec/device-nodes';

describe('splitDevNumber', () => {
  it('splits dev_t as glibc does', () => {
    expect(splitDevNumber(0x0103n)).toEqual({ major: 1, minor: 3 });
    expect(splitDevNumber(0x8801n)).toEqual({ major: 136, minor: 1 });
    // major 259, minor 300: minor's high bits go above the major's low 12.
    const dev = (300n & 0xffn) | ((259n & 0xfffn) << 8n) | ((300n & ~0xffn) << 12n);
    expect(splitDevNumber(dev)).toEqual({ major: 259, minor: 300 });
  });
});

describe('devicesFromPath', () => {
  it('describes /dev/null as the character device 1:3', () => {
    expect(devicesFromPath('/dev/null', '/dev/mynull')).toEqual([
      expect.objectContaining({ path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }),
    ]);
  });
  it('follows symlinks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dev-'));
    try {
      fs.symlinkSync('/dev/zero', path.join(dir, 'z'));
      expect(devicesFromPath(path.join(dir, 'z'), '/dev/zero')[0]).toMatchObject({ major: 1, minor: 5 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses what is not a device', () => {
    expect(() => devicesFromPath('/etc/hostname', '/dev/x')).toThrow(
      'error gathering device information while adding custom device "/etc/hostname": not a device node',
    );
    expect(() => devicesFromPath('/no/such/device', '/dev/x')).toThrow('no such file or directory');
  });
  it('refuses a directory without devices', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dev-'));
    try {
      expect(() => devicesFromPath(dir, '/dev/x')).toThrow('not a device node');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('listHostDevices', () => {
  it('finds the basic nodes and skips /dev/pts and the console', () => {
    const devices = listHostDevices();
    expect(devices).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/dev/null', major: 1, minor: 3 })]));
    expect(devices.some((d) => d.path.startsWith('/dev/pts/'))).toBe(false);
    expect(devices.some((d) => d.path === '/dev/console')).toBe(false);
  });
});
