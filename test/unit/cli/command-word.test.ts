import { commandWordOf, helpAsked } from '../../../src/cli/command-word';

describe('commandWordOf', () => {
  test.each([
    [['run', 'busybox', 'true'], 'run'],
    [['--root', '/r', 'run', 'busybox'], 'run'],
    [['--root=/r', '-D', '--config', '/c', 'ps', '-a'], 'ps'],
    [['--debug', '--insecure-registry', 'localhost:5000', 'pull', 'x'], 'pull'],
    [['container', 'run', 'busybox'], 'container'],
  ])('%j names %s', (argv, word) => {
    expect(commandWordOf(argv)).toBe(word);
  });

  test.each([
    [[]],
    [['--root', '/r']],
    [['--bogus', 'run']],
    [['-it', 'run']],
    [['--', 'run']],
  ])('%j names no command', (argv) => {
    expect(commandWordOf(argv)).toBeUndefined();
  });
});

describe('helpAsked', () => {
  test('--help or -h anywhere', () => {
    expect(helpAsked(['run', '--help'])).toBe(true);
    expect(helpAsked(['-h'])).toBe(true);
    expect(helpAsked(['run', 'busybox'])).toBe(false);
  });
});
