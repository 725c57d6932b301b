// A verb's argument names give Docker's rule on how many arguments it takes (cli/required.go), and bind them.
import { argumentCountError, argumentRule, bindArguments } from '../../../src/cli/arguments';

describe('argumentRule and argumentCountError', () => {
  const error = (spec: string | undefined, count: number) => argumentCountError(argumentRule(spec), count, 'berth x');

  it.each([
    [undefined, 1, "'berth x' accepts no arguments", 'Run'],
    ['<container> <name>', 1, "'berth x' requires 2 arguments", 'Run'],
    ['<container>', 2, "'berth x' requires 1 argument", 'Run'],
    ['<containers..>', 0, "'berth x' requires at least 1 argument", 'See'],
    ['<container> <command..>', 1, "'berth x' requires at least 2 arguments", 'See'],
    ['[repository]', 2, "'berth x' requires at most 1 argument", 'Run'],
    ['<container> [repository]', 3, "'berth x' requires at least 1 and at most 2 arguments", 'Run'],
  ])('%s with %i', (spec, count, message, see) => {
    expect(error(spec, count)).toEqual({ message, see });
  });

  it('accepts what the rule allows', () => {
    expect(error('[containers..]', 0)).toBeUndefined();
    expect(error('<image> [command..]', 5)).toBeUndefined();
    expect(error('<container> [repository]', 2)).toBeUndefined();
  });

  it('refuses a declaration it cannot read', () => {
    expect(() => argumentRule('<container')).toThrow('bad word `<container`');
    expect(() => argumentRule('<a]')).toThrow('bad word');
  });
});

describe('bindArguments', () => {
  it('names each argument; a rest takes an array, a missing optional one is undefined', () => {
    expect(bindArguments(argumentRule('<image> [command..]'), ['busybox', 'ls', '-l'])).toEqual({ image: 'busybox', command: ['ls', '-l'] });
    expect(bindArguments(argumentRule('<container> [repository]'), ['c'])).toEqual({ container: 'c', repository: undefined });
  });
});
