import { NotFoundError } from '../../../../src/errors';
import { applyUser, resolveUser } from '../../../../src/runtime/spec/user';
import type { Spec } from '../../../../src/runtime/spec/types';
import { minimalSpec } from './minimal-spec';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  '  app:x:1000:1000:App,,,:/home/app:/bin/sh  ',
  'nohome:x:1001:1001::',
  'app:x:2000:2000:duplicate, first wins:/nope:/bin/sh',
  '',
].join('\n');

const GROUP = [
  '# comment line',
  'root:x:0:',
  'daemon:x:1:',
  'www-data:x:33:',
  'audio:x:29:app,other',
  'video:x:44:app',
  'app:x:1000:',
  'staff:x:50:root',
  'docker:x:999:',
].join('\n');

describe('resolveUser (Docker’s user rules)', () => {
  it('is root with root’s groups and home when no user is given', () => {
    expect(resolveUser('', PASSWD, GROUP)).toEqual({ uid: 0, gid: 0, additionalGids: [0, 50], home: '/root' });
  });
  it('looks a name up, with supplementary groups from /etc/group membership', () => {
    expect(resolveUser('app', PASSWD, GROUP)).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' });
  });
  it('looks a numeric uid up by uid', () => {
    expect(resolveUser('33', PASSWD, GROUP)).toEqual({ uid: 33, gid: 33, additionalGids: [33], home: '/var/www' });
  });
  it('accepts a numeric uid without entry: gid 0, home /', () => {
    expect(resolveUser('4242', PASSWD, GROUP)).toEqual({ uid: 4242, gid: 0, additionalGids: [0], home: '/' });
  });
  it('refuses a name that is not in passwd with Docker’s message', () => {
    expect(() => resolveUser('ghost', PASSWD, GROUP)).toThrow('unable to find user ghost: no matching entries in passwd file');
    expect(() => resolveUser('ghost', PASSWD, GROUP)).toThrow(NotFoundError);
  });
  it('refuses any name when the image has no /etc/passwd, but takes numbers', () => {
    expect(() => resolveUser('app', undefined, undefined)).toThrow('unable to find user app');
    expect(resolveUser('1000:1000', undefined, undefined)).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000], home: '/' });
    expect(resolveUser('', undefined, undefined)).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: '/' });
  });
  it('takes uid:gid literally', () => {
    expect(resolveUser('1000:50', PASSWD, GROUP)).toEqual({ uid: 1000, gid: 50, additionalGids: [50], home: '/home/app' });
  });
  it('takes name:group, without supplementary groups (explicit form)', () => {
    expect(resolveUser('app:video', PASSWD, GROUP)).toEqual({ uid: 1000, gid: 44, additionalGids: [44], home: '/home/app' });
  });
  it('takes a numeric gid without group entry', () => {
    expect(resolveUser('app:7777', PASSWD, GROUP).gid).toBe(7777);
  });
  it('refuses an unknown group name', () => {
    expect(() => resolveUser('app:nogroup', PASSWD, GROUP)).toThrow('unable to find group nogroup: no matching entries in group file');
  });
  it('uses the first of duplicate entries', () => {
    expect(resolveUser('app', PASSWD, GROUP).uid).toBe(1000);
  });
  it('defaults an empty home to /', () => {
    expect(resolveUser('nohome', PASSWD, GROUP).home).toBe('/');
  });
  it('refuses ids out of range', () => {
    expect(() => resolveUser('2147483648', PASSWD, GROUP)).toThrow('uids and gids must be in range 0-2147483647');
    expect(() => resolveUser('-1', PASSWD, GROUP)).toThrow('uids and gids must be in range');
  });
  it('adds --group-add groups by name or number', () => {
    expect(resolveUser('app', PASSWD, GROUP, ['docker', '12345']).additionalGids).toEqual([1000, 29, 44, 999, 12345]);
    expect(() => resolveUser('app', PASSWD, GROUP, ['nope'])).toThrow('unable to find group nope');
  });
  it('tolerates CRLF files', () => {
    expect(resolveUser('app', PASSWD.replace(/\n/g, '\r\n'), GROUP.replace(/\n/g, '\r\n')).additionalGids).toEqual([1000, 29, 44]);
  });
});

function specWithEnv(env: string[]): Spec {
  const spec = minimalSpec();
  spec.process.env = env;
  return spec;
}

describe('applyUser', () => {
  it('sets the ids and HOME from passwd', () => {
    const spec = specWithEnv(['PATH=/bin']);
    applyUser(spec, { uid: 1000, gid: 1000, additionalGids: [1000, 29], home: '/home/app' });
    expect(spec.process.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 29] });
    expect(spec.process.env).toEqual(['PATH=/bin', 'HOME=/home/app']);
  });
  it('keeps a HOME the user set', () => {
    const spec = specWithEnv(['HOME=/custom']);
    applyUser(spec, { uid: 1, gid: 1, additionalGids: [1], home: '/usr/sbin' });
    expect(spec.process.env).toEqual(['HOME=/custom']);
  });
  it('replaces an empty HOME, as runc does', () => {
    const spec = specWithEnv(['HOME=', 'A=1']);
    applyUser(spec, { uid: 0, gid: 0, additionalGids: [0], home: '/root' });
    expect(spec.process.env).toEqual(['A=1', 'HOME=/root']);
  });
});
