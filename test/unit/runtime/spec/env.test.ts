import { containerEnv, mergeImageEnv, replaceOrAppendEnv } from '../../../../src/runtime/spec/env';

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

describe('mergeImageEnv (daemon merge)', () => {
  it('takes the image env when the user gave none', () => {
    expect(mergeImageEnv([], ['PATH=/x', 'A=1'])).toEqual(['PATH=/x', 'A=1']);
    expect(mergeImageEnv([], undefined)).toEqual([]);
  });
  it('puts user values first and keeps image values for other keys', () => {
    expect(mergeImageEnv(['B=2', 'A=user'], ['PATH=/x', 'A=1', 'C=3'])).toEqual(['B=2', 'A=user', 'PATH=/x', 'C=3']);
  });
  it('lets a bare user key shadow the image value (to unset it later)', () => {
    expect(mergeImageEnv(['A'], ['A=1', 'B=2'])).toEqual(['A', 'B=2']);
  });
});

describe('replaceOrAppendEnv', () => {
  it('replaces by key and appends new keys', () => {
    expect(replaceOrAppendEnv(['HOME=/', 'FOO=foo_default'], ['HOME=/root', 'TERM=xterm'])).toEqual([
      'HOME=/root',
      'FOO=foo_default',
      'TERM=xterm',
    ]);
  });
  it('removes keys given without = (moby env_test)', () => {
    expect(replaceOrAppendEnv(['HOME=/', 'FOO=foo_default'], ['HOME=/root', 'TERM=xterm', 'FOO', 'BAR'])).toEqual([
      'HOME=/root',
      'TERM=xterm',
    ]);
  });
  it('keeps repeated new keys as Docker does', () => {
    expect(replaceOrAppendEnv([], ['A=1', 'A=2'])).toEqual(['A=1', 'A=2']);
  });
});

describe('containerEnv', () => {
  it('starts with PATH and HOSTNAME', () => {
    expect(containerEnv([], 'abc123', false)).toEqual([PATH, 'HOSTNAME=abc123']);
  });
  it('adds TERM=xterm with a tty', () => {
    expect(containerEnv([], 'h', true)).toEqual([PATH, 'HOSTNAME=h', 'TERM=xterm']);
  });
  it('lets the image PATH replace the default in place, and the user override TERM', () => {
    expect(containerEnv(['PATH=/opt/bin', 'TERM=dumb', 'X=1'], 'h', true)).toEqual([
      'PATH=/opt/bin',
      'HOSTNAME=h',
      'TERM=dumb',
      'X=1',
    ]);
  });
  it('lets -e PATH (bare, unset in the caller) remove PATH', () => {
    expect(containerEnv(['PATH'], 'h', false)).toEqual(['HOSTNAME=h']);
  });
});
