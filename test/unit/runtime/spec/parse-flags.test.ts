import { UsageError } from '../../../../src/errors';
import {
  parseContainerName,
  parseCpus,
  parseEnvFile,
  parseEnvFlag,
  parseGoInt,
  parseMemoryBytes,
  parseMemorySwap,
  parseRestartPolicy,
  parseSecurityOpts,
  parseUlimit,
  parseUserFlag,
} from '../../../../src/runtime/spec/parse-flags';

const MiB = 1024 * 1024;

describe('parseMemoryBytes (go-units RAMInBytes)', () => {
  it.each([
    ['32', 32],
    ['32b', 32],
    ['32B', 32],
    ['32k', 32 * 1024],
    ['32K', 32 * 1024],
    ['32kb', 32 * 1024],
    ['32Kb', 32 * 1024],
    ['32KiB', 32 * 1024],
    ['32Mb', 32 * MiB],
    ['64m', 64 * MiB],
    ['32Gb', 32 * 1024 * MiB],
    ['32Tb', 32 * 1024 * 1024 * MiB],
    ['32PB', 32 * 1024 * 1024 * 1024 * MiB],
    ['32.5KB', 33280],
    ['32.3 mb', Math.trunc(32.3 * MiB)],
    ['0.3 K', 307],
    ['.5k', 512],
    ['1e3', 1000],
    ['10 MiB', 10 * MiB],
  ])('%s -> %d', (text, bytes) => {
    expect(parseMemoryBytes(text)).toBe(bytes);
  });

  it.each([
    ['', "invalid size: ''"],
    ['hello', "invalid size: 'hello'"],
    ['-32', "invalid size: '-32'"],
    ['32.3.4', 'strconv.ParseFloat: parsing "32.3.4": invalid syntax'],
    ['32mm', "invalid suffix: 'mm'"],
    ['32ib', "invalid suffix: 'ib'"],
    ['32bb', "invalid suffix: 'bb'"],
    ['32kibx', "invalid suffix: 'kibx'"],
    ['32kib2', 'strconv.ParseFloat: parsing "32kib2": invalid syntax'],
    ['32kbytes', "invalid suffix: 'kbytes'"],
    ['32x', "invalid suffix: 'x'"],
    ['32mib ', 'strconv.ParseFloat: parsing "32mib": invalid syntax'],
  ])('%j is refused with %j', (text, message) => {
    expect(() => parseMemoryBytes(text)).toThrow(message);
  });

  it('throws UsageErrors that end the command with 125', () => {
    try {
      parseMemoryBytes('lots');
      throw new Error('not thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(125);
    }
  });

  it('takes -1 only for --memory-swap', () => {
    expect(parseMemorySwap('-1')).toBe(-1);
    expect(parseMemorySwap('128m')).toBe(128 * MiB);
    expect(() => parseMemoryBytes('-1')).toThrow("invalid size: '-1'");
  });
});

describe('parseCpus (exact like big.Rat)', () => {
  it.each([
    ['1', 1_000_000_000],
    ['1.5', 1_500_000_000],
    ['0.01', 10_000_000],
    ['.5', 500_000_000],
    ['0.000000001', 1],
    ['3/2', 1_500_000_000],
    ['2e-1', 200_000_000],
    ['0', 0],
    ['-1', -1_000_000_000],
  ])('%s -> %d nano-CPUs', (text, nano) => {
    expect(parseCpus(text)).toBe(nano);
  });

  it('refuses what is not a rational number', () => {
    expect(() => parseCpus('one')).toThrow('failed to parse one as a rational number');
    expect(() => parseCpus('')).toThrow('failed to parse  as a rational number');
    expect(() => parseCpus('1/0')).toThrow('failed to parse 1/0 as a rational number');
  });

  it('refuses more precision than a nano-CPU', () => {
    expect(() => parseCpus('0.0000000001')).toThrow('value is too precise');
    expect(() => parseCpus('1/3')).toThrow('value is too precise');
  });
});

describe('parseGoInt', () => {
  it('reads signed decimal integers', () => {
    expect(parseGoInt('42')).toBe(42);
    expect(parseGoInt('-1')).toBe(-1);
    expect(parseGoInt('+7')).toBe(7);
  });
  it('uses strconv messages', () => {
    expect(() => parseGoInt('1k')).toThrow('strconv.ParseInt: parsing "1k": invalid syntax');
    expect(() => parseGoInt('99999999999999999999')).toThrow(
      'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
  });
});

describe('parseUlimit (go-units ParseUlimit)', () => {
  it('reads soft:hard', () => {
    expect(parseUlimit('nofile=1024:2048')).toEqual({ name: 'nofile', soft: 1024, hard: 2048 });
  });
  it('uses the soft value as hard when only one is given', () => {
    expect(parseUlimit('nproc=512')).toEqual({ name: 'nproc', soft: 512, hard: 512 });
  });
  it('takes -1 as unlimited', () => {
    expect(parseUlimit('core=-1')).toEqual({ name: 'core', soft: -1, hard: -1 });
    expect(parseUlimit('memlock=1024:-1')).toEqual({ name: 'memlock', soft: 1024, hard: -1 });
  });
  it.each(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'])(
    'knows %s',
    (name) => {
      expect(parseUlimit(`${name}=1`).name).toBe(name);
    },
  );
  it.each([
    ['nofile', 'invalid ulimit argument: nofile'],
    ['as=1', 'invalid ulimit type: as'],
    ['NOFILE=1', 'invalid ulimit type: NOFILE'],
    ['nofile=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['nofile=1:x', 'strconv.ParseInt: parsing "x": invalid syntax'],
    ['nofile=2048:1024', 'ulimit soft limit must be less than or equal to hard limit: 2048 > 1024'],
    ['nofile=-1:1024', 'ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 1024'],
  ])('%j is refused with %j', (text, message) => {
    expect(() => parseUlimit(text)).toThrow(message);
  });
});

describe('parseEnvFlag (-e)', () => {
  const lookup = (key: string): string | undefined => ({ HOME: '/home/me', EMPTY: '' })[key];
  it('keeps K=V as given, values may hold = and be empty', () => {
    expect(parseEnvFlag('A=1', lookup)).toBe('A=1');
    expect(parseEnvFlag('A=b=c', lookup)).toBe('A=b=c');
    expect(parseEnvFlag('A=', lookup)).toBe('A=');
  });
  it('takes a bare K from the caller, keeps it bare when the caller has none', () => {
    expect(parseEnvFlag('HOME', lookup)).toBe('HOME=/home/me');
    expect(parseEnvFlag('EMPTY', lookup)).toBe('EMPTY=');
    expect(parseEnvFlag('MISSING', lookup)).toBe('MISSING');
  });
  it('refuses an empty name', () => {
    expect(() => parseEnvFlag('=x', lookup)).toThrow('invalid environment variable: =x');
    expect(() => parseEnvFlag('', lookup)).toThrow('invalid environment variable: ');
  });
  it('refuses a NUL byte with exit 125, naming the key and never the value', () => {
    expect(() => parseEnvFlag('TOKEN=se\0cret', lookup)).toThrow('invalid environment variable `TOKEN`: it holds a NUL byte');
    expect(() => parseEnvFlag('TOKEN=se\0cret', lookup)).toThrow(expect.objectContaining({ exitCode: 125 }));
    expect(() => parseEnvFlag('A\0B', lookup)).toThrow('invalid environment variable `A\\0B`: it holds a NUL byte');
  });
});

describe('parseEnvFile (--env-file)', () => {
  const lookup = (key: string): string | undefined => (key === 'FROM_CALLER' ? 'yes' : undefined);
  it('keeps lines verbatim, skips comments and blanks, looks up bare names', () => {
    const content = '\uFEFF# comment\nA=1\n\n   B="quoted"\nFROM_CALLER\nNOT_SET\nC=has spaces \r\n';
    expect(parseEnvFile(content, 'app.env', lookup)).toEqual(['A=1', 'B="quoted"', 'FROM_CALLER=yes', 'C=has spaces ']);
  });
  it('refuses a line without a name', () => {
    expect(() => parseEnvFile('=1\n', 'app.env', lookup)).toThrow(
      "--env-file: invalid env file (app.env): no variable name on line '=1'",
    );
  });
  it('refuses whitespace in names', () => {
    expect(() => parseEnvFile('MY VAR=1\n', 'app.env', lookup)).toThrow("variable 'MY VAR' contains whitespaces");
  });
  it('refuses a line with a NUL byte (exit 125), naming the key and never the value', () => {
    let error: unknown;
    try {
      parseEnvFile('A=1\nTOKEN=se\0cret\n', 'app.env', lookup);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ message: '--env-file: invalid env file (app.env): variable `TOKEN` holds a NUL byte', exitCode: 125 });
    expect((error as Error).message).not.toContain('cret');
  });
  it('reads an empty file as no variables', () => {
    expect(parseEnvFile('', 'e', lookup)).toEqual([]);
  });
});

describe('parseUserFlag (-u)', () => {
  it('splits user and group', () => {
    expect(parseUserFlag('nobody')).toEqual({ user: 'nobody' });
    expect(parseUserFlag('1000:1000')).toEqual({ user: '1000', group: '1000' });
    expect(parseUserFlag('app:')).toEqual({ user: 'app', group: '' });
  });
});

describe('parseContainerName (--name)', () => {
  it('accepts Docker names and drops a leading slash', () => {
    expect(parseContainerName('web_1.prod-a')).toBe('web_1.prod-a');
    expect(parseContainerName('/db')).toBe('db');
  });
  it.each(['a', '-web', 'web app', 'wéb', '_x'])('refuses %j with Docker’s message', (name) => {
    expect(() => parseContainerName(name)).toThrow(
      `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
  });
});

describe('parseRestartPolicy (--restart)', () => {
  it.each([
    ['', { name: 'no', maximumRetryCount: 0 }],
    ['no', { name: 'no', maximumRetryCount: 0 }],
    ['always', { name: 'always', maximumRetryCount: 0 }],
    ['unless-stopped', { name: 'unless-stopped', maximumRetryCount: 0 }],
    ['on-failure', { name: 'on-failure', maximumRetryCount: 0 }],
    ['on-failure:5', { name: 'on-failure', maximumRetryCount: 5 }],
    ['always:0', { name: 'always', maximumRetryCount: 0 }],
  ])('%j', (text, policy) => {
    expect(parseRestartPolicy(text)).toEqual(policy);
  });
  it.each([
    [':3', 'invalid restart policy format: no policy provided before colon'],
    ['on-failure:x', 'invalid restart policy format: maximum retry count must be an integer'],
    ['always:3', "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
    ['no:-1', "maximum retry count can only be used with 'on-failure' and cannot be negative"],
    ['on-failure:-2', 'invalid restart policy: maximum retry count cannot be negative'],
    ['sometimes', "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"],
  ])('%j is refused with %j', (text, message) => {
    expect(() => parseRestartPolicy(text)).toThrow(message);
  });
});

describe('parseSecurityOpts (--security-opt)', () => {
  it('leaves no-new-privileges unset by default', () => {
    expect(parseSecurityOpts([])).toEqual({ unconfinedSystemPaths: false });
  });
  it.each([
    ['no-new-privileges', true],
    ['no-new-privileges=true', true],
    ['no-new-privileges:true', true],
    ['no-new-privileges=false', false],
    ['no-new-privileges:false', false],
    ['no-new-privileges=1', true],
  ])('%s -> %s', (opt, value) => {
    expect(parseSecurityOpts([opt]).noNewPrivileges).toBe(value);
  });
  it('lets the last value win', () => {
    expect(parseSecurityOpts(['no-new-privileges', 'no-new-privileges=false']).noNewPrivileges).toBe(false);
  });
  it('takes systempaths=unconfined and the no-op unconfined profiles', () => {
    const opts = parseSecurityOpts(['systempaths=unconfined', 'seccomp=unconfined', 'apparmor=unconfined', 'label=disable']);
    expect(opts.unconfinedSystemPaths).toBe(true);
  });
  it('refuses profiles berth cannot apply', () => {
    expect(() => parseSecurityOpts(['seccomp=/etc/profile.json'])).toThrow('seccomp profiles are not supported by berth');
    expect(() => parseSecurityOpts(['apparmor=docker-default'])).toThrow('apparmor profiles are not supported');
    expect(() => parseSecurityOpts(['label=type:svirt_t'])).toThrow('SELinux labels are not supported');
  });
  it('uses Docker’s messages for malformed options', () => {
    expect(() => parseSecurityOpts(['bogus'])).toThrow('invalid --security-opt: "bogus"');
    expect(() => parseSecurityOpts(['seccomp='])).toThrow('invalid --security-opt: "seccomp="');
    expect(() => parseSecurityOpts(['no-new-privileges=maybe'])).toThrow('invalid --security-opt 2: "no-new-privileges=maybe"');
    expect(() => parseSecurityOpts(['foo=bar'])).toThrow('invalid --security-opt 2: "foo=bar"');
  });
});
