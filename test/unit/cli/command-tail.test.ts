import { splitCommandTail } from '../../../src/cli/command-tail';

describe('splitCommandTail', () => {
  test.each([
    [['run', 'busybox', 'ls', '-l'], ['run', 'busybox', '--', 'ls', '-l']],
    [['run', '-it', '--rm', 'busybox', 'sh'], ['run', '-it', '--rm', 'busybox', '--', 'sh']],
    [['run', '-e', 'A=1', '--name', 'x', 'busybox', 'env'], ['run', '-e', 'A=1', '--name', 'x', 'busybox', '--', 'env']],
    [['run', '--env=A=1', 'busybox'], ['run', '--env=A=1', 'busybox', '--']],
    [['container', 'run', '-v', '/a:/b', 'busybox', 'cat', '/b/x'], ['container', 'run', '-v', '/a:/b', 'busybox', '--', 'cat', '/b/x']],
    [['--root', '/r', 'run', 'busybox', '-x'], ['--root', '/r', 'run', 'busybox', '--', '-x']],
    [['exec', '-it', 'web', 'bash'], ['exec', '-it', 'web', '--', 'bash']],
    [['run', '-h', 'box', 'busybox', 'hostname'], ['run', '--hostname', 'box', 'busybox', '--', 'hostname']],
    [['run', '--bad', 'busybox'], ['run', '--bad=', 'busybox', '--']],
    [['run', 'busybox', '--', 'x'], ['run', 'busybox', '--', '--', 'x']],
  ])('%j', (input, expected) => {
    expect(splitCommandTail(input)).toEqual(expected);
  });

  test('other verbs are left alone', () => {
    expect(splitCommandTail(['images', '-a', 'busybox'])).toEqual(['images', '-a', 'busybox']);
    expect(splitCommandTail(['rm', '-f', 'web'])).toEqual(['rm', '-f', 'web']);
    expect(splitCommandTail(['-h'])).toEqual(['-h']);
  });
});
