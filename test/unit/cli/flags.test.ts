// Docker's flag grammar (pflag as cobra uses it): what berth reads from a command line, and its refusals.
import { FlagError, FlagSet, parseFlags, parseIntFlag } from '../../../src/cli/flags';

function runLike(): FlagSet {
  return new FlagSet()
    .option('rm', { type: 'boolean', describe: '' })
    .option('interactive', { alias: 'i', type: 'boolean', describe: '' })
    .option('tty', { alias: 't', type: 'boolean', describe: '' })
    .option('env', { alias: 'e', type: 'string', array: true, describe: '' })
    .option('name', { type: 'string', describe: '' })
    .option('network', { alias: 'net', type: 'string', describe: '' })
    .option('pids-limit', { type: 'number', describe: '' })
    .option('pull', { type: 'string', default: 'missing', describe: '' })
    .option('memory', {
      alias: 'm', type: 'string', describe: '',
      check: (v) => {
        if (!/^\d+[kmg]?$/.test(v)) throw new Error(`invalid size: '${v}'`);
      },
    });
}

function parsed(words: string[], interspersed = true) {
  return parseFlags(runLike(), words, interspersed);
}

function refusal(words: string[]): string {
  try {
    parsed(words);
  } catch (err) {
    if (err instanceof FlagError) return err.message;
    throw err;
  }
  throw new Error('not refused');
}

describe('parseFlags', () => {
  it('reads clustered shorthands, values in the same word or the next, and --name=value', () => {
    expect(parsed(['-it', '-eA=1', '-e', 'B=2', '-e=C=3', '--name=web', '-m64m', 'busybox']).values).toEqual({
      interactive: true, tty: true, env: ['A=1', 'B=2', 'C=3'], name: 'web', memory: '64m', pull: 'missing',
    });
  });

  it('gives a flag the next word as its value, whatever it looks like', () => {
    expect(parsed(['--name', '-x', 'busybox']).values.name).toBe('-x');
  });

  it('reads a boolean as true, or the Go boolean after `=`', () => {
    expect(parsed(['--rm']).values.rm).toBe(true);
    expect(parsed(['--rm=false']).values.rm).toBe(false);
    expect(parsed(['--rm=T']).values.rm).toBe(true);
    expect(parsed(['--rm', 'false']).args).toEqual(['false']);
  });

  it('knows a second long name of a flag (Docker\'s --net for --network)', () => {
    expect(parsed(['--net', 'host']).values.network).toBe('host');
  });

  it('mixes flags and arguments, or ends the flags at the first argument', () => {
    expect(parsed(['a', '--rm', 'b'])).toMatchObject({ args: ['a', 'b'], values: { rm: true } });
    expect(parsed(['--rm', 'busybox', 'ls', '-l', '--rm'], false)).toMatchObject({ args: ['busybox', 'ls', '-l', '--rm'], values: { rm: true } });
  });

  it('takes `--` as the end of flags and `-` as an argument', () => {
    expect(parsed(['--', '--rm', '-i']).args).toEqual(['--rm', '-i']);
    expect(parsed(['-', '--rm']).args).toEqual(['-']);
  });

  it('notes --help and a -h that is no flag of the command, and reads on', () => {
    expect(parsed(['--help', 'x']).help).toBe('long');
    expect(parsed(['-h']).help).toBe('short');
    expect(parseFlags(new FlagSet().option('hostname', { alias: 'h', type: 'string', describe: '' }), ['-h', 'box']).values.hostname).toBe('box');
  });

  it('refuses in pflag\'s words', () => {
    expect(refusal(['--bogus'])).toBe('unknown flag: --bogus');
    expect(refusal(['--bogus=1'])).toBe('unknown flag: --bogus');
    expect(refusal(['-Z'])).toBe("unknown shorthand flag: 'Z' in -Z");
    expect(refusal(['-itZ'])).toBe("unknown shorthand flag: 'Z' in -Z");
    expect(refusal(['-Zit'])).toBe("unknown shorthand flag: 'Z' in -Zit");
    expect(refusal(['---x'])).toBe('bad flag syntax: ---x');
    expect(refusal(['--name'])).toBe('flag needs an argument: --name');
    expect(refusal(['-e'])).toBe("flag needs an argument: 'e' in -e");
    expect(refusal(['--rm=maybe'])).toBe('invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
    expect(refusal(['-m', 'abc'])).toBe('invalid argument "abc" for "-m, --memory" flag: invalid size: \'abc\'');
    expect(refusal(['--pids-limit', '1.5'])).toBe('invalid argument "1.5" for "--pids-limit" flag: strconv.ParseInt: parsing "1.5": invalid syntax');
  });
});

describe('parseIntFlag (strconv.ParseInt with base 0)', () => {
  it.each([
    ['42', 42], ['-1', -1], ['+7', 7], ['0', 0], ['0x1f', 31], ['0X1F', 31], ['010', 8], ['0o17', 15], ['0b101', 5], ['1_000', 1000],
    ['9223372036854775807', 9223372036854775807], ['-9223372036854775808', -9223372036854775808],
  ])('%s is %d', (text, value) => {
    expect(parseIntFlag(text)).toBe(value);
  });

  it.each(['', 'abc', '1.5', '08', '0x', '_1', '1__0', '1_', ' 1', '1e3'])('%j is no int', (text) => {
    expect(() => parseIntFlag(text)).toThrow(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  });

  it('refuses what does not fit in 64 bits', () => {
    expect(() => parseIntFlag('9223372036854775808')).toThrow('strconv.ParseInt: parsing "9223372036854775808": value out of range');
  });
});
