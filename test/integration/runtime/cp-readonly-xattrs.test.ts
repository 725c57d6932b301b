// `cp` as Docker 20.10 does it (checked against a Docker 20.10 daemon): a copy into a read-only bind or volume,
// or outside every volume of a --read-only container, is refused (running or stopped, symlinks followed);
// file capabilities (security.capability) travel both ways, other xattrs (user.*) are not archived, and
// every xattr a tar on stdin carries is applied.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { busyboxRoot, BusyboxRoot, whenRunning } from './busybox-root';
import { lgetxattr, llistxattr, lsetxattr } from '../../../src/sys/fs-at';
import { encodeTarHeader, tarPadding, TAR_END } from '../../../src/storage/tar-writer';

jest.setTimeout(300_000);

let box: BusyboxRoot;
let scratch: string;

beforeAll(async () => {
  box = await busyboxRoot();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-ro-'));
});

afterAll(async () => {
  await box?.cleanup();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

function dir(name: string): string {
  const d = path.join(scratch, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function hostFile(name: string, content = 'hi\n'): string {
  const f = path.join(scratch, name);
  fs.writeFileSync(f, content);
  return f;
}

function upperOf(name: string): string {
  const id = box.run(['inspect', '-f', '{{.Id}}', name]).stdout.trim();
  return path.join(box.root, 'containers', id, 'upper');
}

describe('read-only destinations', () => {
  it('a stopped container with -v DIR:/data:ro: refused into /data (as file or directory), allowed elsewhere', () => {
    const ro = dir('ro-stopped');
    expect(box.run(['create', '--name', 'ros', '-v', `${ro}:/data:ro`, 'busybox', 'true']).status).toBe(0);
    const f = hostFile('f');
    for (const dest of ['ros:/data/f', 'ros:/data', 'ros:/data/']) {
      expect(box.run(['cp', f, dest])).toMatchObject({ status: 1, stderr: 'Error: mounted volume is marked read-only\n' });
    }
    expect(fs.readdirSync(ro)).toEqual([]);
    // Docker reports a missing directory before the volume's mode.
    expect(box.run(['cp', f, 'ros:/data/sub/f'])).toMatchObject({ status: 1, stderr: 'Error: Could not find the file /data/sub in container ros\n' });
    expect(box.run(['cp', f, 'ros:/tmp/f']).status).toBe(0);
    expect(fs.readFileSync(path.join(upperOf('ros'), 'tmp/f'), 'utf8')).toBe('hi\n');
  });

  it('a symlink leading into the read-only volume is followed before the check', () => {
    const ro = dir('ro-link');
    expect(box.run(['create', '--name', 'rol', '-v', `${ro}:/data:ro`, 'busybox', 'true']).status).toBe(0);
    const link = path.join(scratch, 'to-data');
    fs.symlinkSync('/data', link);
    expect(box.run(['cp', link, 'rol:/to-data']).status).toBe(0);
    expect(box.run(['cp', hostFile('g'), 'rol:/to-data/'])).toMatchObject({ status: 1, stderr: 'Error: mounted volume is marked read-only\n' });
    expect(fs.readdirSync(ro)).toEqual([]);
  });

  it('a running container: refused into the read-only bind, copies out of it still work', async () => {
    const ro = dir('ro-running');
    fs.writeFileSync(path.join(ro, 'inside'), 'data\n');
    expect(box.run(['run', '-d', '--name', 'ror', '-v', `${ro}:/data:ro`, 'busybox', 'sleep', '1000']).status).toBe(0);
    await whenRunning(box, 'ror');
    expect(box.run(['cp', hostFile('h'), 'ror:/data/h'])).toMatchObject({ status: 1, stderr: 'Error: mounted volume is marked read-only\n' });
    const out = path.join(scratch, 'out-inside');
    expect(box.run(['cp', 'ror:/data/inside', out]).status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('data\n');
  });

  it('--read-only: refused outside the volumes, stopped or running; allowed into a writable volume', async () => {
    const rw = dir('rw-volume');
    expect(box.run(['create', '--name', 'rofs', '--read-only', '-v', `${rw}:/rw`, 'busybox', 'sleep', '1000']).status).toBe(0);
    const f = hostFile('k');
    expect(box.run(['cp', f, 'rofs:/tmp/k'])).toMatchObject({ status: 1, stderr: 'Error: container rootfs is marked read-only\n' });
    expect(box.run(['cp', f, 'rofs:/rw/k']).status).toBe(0);
    expect(fs.readFileSync(path.join(rw, 'k'), 'utf8')).toBe('hi\n');
    expect(box.run(['start', 'rofs']).status).toBe(0);
    await whenRunning(box, 'rofs');
    expect(box.run(['cp', f, 'rofs:/k'])).toMatchObject({ status: 1, stderr: 'Error: container rootfs is marked read-only\n' });
  });
});

// cap_net_raw+ep as setcap(8) writes it: VFS_CAP_REVISION_2 with the effective flag, permitted bit 13.
const CAP_NET_RAW_EP = Buffer.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
// cap_net_admin+ep: permitted bit 12.
const CAP_NET_ADMIN_EP = Buffer.from([1, 0, 0, 2, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

describe('extended attributes', () => {
  it('into a container: file capabilities kept (after the chown to root), user.* not archived', () => {
    expect(box.run(['create', '--name', 'xin', 'busybox', 'true']).status).toBe(0);
    const f = hostFile('capped', '#!/bin/sh\n');
    fs.chownSync(f, 1000, 1000);
    lsetxattr(f, 'security.capability', CAP_NET_RAW_EP);
    lsetxattr(f, 'user.note', Buffer.from('kept?'));
    expect(box.run(['cp', f, 'xin:/capped']).status).toBe(0);
    const copied = path.join(upperOf('xin'), 'capped');
    expect(fs.statSync(copied).uid).toBe(0);
    expect(lgetxattr(copied, 'security.capability')).toEqual(CAP_NET_RAW_EP);
    expect(llistxattr(copied).filter((n) => n.startsWith('user.'))).toEqual([]);
  });

  it('out of a container, to a file and as a tar on stdout: file capabilities only', () => {
    expect(box.run(['create', '--name', 'xout', 'busybox', 'true']).status).toBe(0);
    expect(box.run(['cp', hostFile('plain', 'x\n'), 'xout:/tool']).status).toBe(0);
    const inside = path.join(upperOf('xout'), 'tool');
    lsetxattr(inside, 'security.capability', CAP_NET_ADMIN_EP);
    lsetxattr(inside, 'user.note', Buffer.from('left behind'));
    const out = path.join(scratch, 'tool-out');
    expect(box.run(['cp', 'xout:/tool', out]).status).toBe(0);
    expect(lgetxattr(out, 'security.capability')).toEqual(CAP_NET_ADMIN_EP);
    expect(llistxattr(out).filter((n) => n.startsWith('user.'))).toEqual([]);
    const tar = box.run(['cp', 'xout:/tool', '-']);
    expect(tar.status).toBe(0);
    expect(tar.stdout).toContain('SCHILY.xattr.security.capability=');
    expect(tar.stdout).not.toContain('user.note');
  });

  it('a tar on stdin: every xattr it carries is applied', () => {
    expect(box.run(['create', '--name', 'xtar', 'busybox', 'true']).status).toBe(0);
    const body = Buffer.from('hello\n');
    const header = encodeTarHeader({
      name: 'from-tar', type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 1_700_000_000,
      xattrs: [['user.origin', Buffer.from('tar')]],
    });
    const archive = path.join(scratch, 'x.tar');
    fs.writeFileSync(archive, Buffer.concat([header, body, tarPadding(body.length), TAR_END]));
    const r = box.run(['cp', '-', 'xtar:/'], fs.readFileSync(archive, 'latin1'));
    expect(r.status).toBe(0);
    const copied = path.join(upperOf('xtar'), 'from-tar');
    expect(fs.readFileSync(copied, 'utf8')).toBe('hello\n');
    expect(lgetxattr(copied, 'user.origin')).toEqual(Buffer.from('tar'));
  });
});
