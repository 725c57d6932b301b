import { parseDeviceFlag } from '../../../../src/runtime/spec/parse-device';
import {
  parseMountFlag,
  parseTmpfsFlag,
  parseVolumeFlag,
  tmpfsMountOptions,
  tmpfsRequestOptions,
} from '../../../../src/runtime/spec/parse-mounts';

const CWD = '/home/me/project';

describe('parseVolumeFlag (-v)', () => {
  it('reads an absolute source as a bind, rprivate and writable by default', () => {
    expect(parseVolumeFlag('/srv/data:/data', CWD)).toEqual({
      type: 'bind',
      source: '/srv/data',
      target: '/data',
      readonly: false,
      propagation: 'rprivate',
      createSource: true,
    });
  });
  it('reads ro and a propagation mode', () => {
    const m = parseVolumeFlag('/srv:/srv:ro,rslave', CWD);
    expect(m.readonly).toBe(true);
    expect(m.propagation).toBe('rslave');
  });
  it('accepts rw, z/Z and consistency modes', () => {
    expect(parseVolumeFlag('/a:/b:rw', CWD).readonly).toBe(false);
    expect(parseVolumeFlag('/a:/b:Z', CWD).type).toBe('bind');
    expect(parseVolumeFlag('/a:/b:cached,ro', CWD).readonly).toBe(true);
  });
  it('makes a ./relative source absolute as the CLI does', () => {
    expect(parseVolumeFlag('./conf:/etc/app', CWD).source).toBe('/home/me/project/conf');
    expect(parseVolumeFlag('../x:/x', CWD).source).toBe('/home/me/x');
  });
  it('cleans paths', () => {
    const m = parseVolumeFlag('/srv//data/:/data/./x/', CWD);
    expect(m.source).toBe('/srv/data');
    expect(m.target).toBe('/data/x');
  });
  it('reads a name as a named volume', () => {
    expect(parseVolumeFlag('pgdata:/var/lib/postgresql/data', CWD)).toEqual({
      type: 'volume',
      source: 'pgdata',
      target: '/var/lib/postgresql/data',
      readonly: false,
    });
    expect(parseVolumeFlag('cache:/c:ro,nocopy', CWD)).toEqual({
      type: 'volume',
      source: 'cache',
      target: '/c',
      readonly: true,
      noCopy: true,
    });
  });
  it('reads a lone target as an anonymous volume', () => {
    expect(parseVolumeFlag('/scratch', CWD)).toEqual({ type: 'volume', source: '', target: '/scratch', readonly: false });
  });
  it.each([
    ['', "invalid volume specification: ''"],
    [':/x', "invalid volume specification: ':/x'"],
    ['/foo:rw', "invalid volume specification: '/foo:rw'"],
    ['/a:/b:ro:extra', "invalid volume specification: '/a:/b:ro:extra'"],
    ['/a:/b:rx', 'invalid mode: rx'],
    ['/a:/b:ro,rw', 'invalid mode: ro,rw'],
    ['/a:/b:shared,slave', 'invalid mode: shared,slave'],
  ])('%j is refused with %j', (spec, message) => {
    expect(() => parseVolumeFlag(spec, CWD)).toThrow(message);
  });
  it('refuses a relative or root target', () => {
    expect(() => parseVolumeFlag('/a:data', CWD)).toThrow(
      `invalid volume specification: '/a:data': invalid mount config for type "bind": invalid mount path: 'data' mount path must be absolute`,
    );
    expect(() => parseVolumeFlag('/a:/', CWD)).toThrow("invalid specification: destination can't be '/'");
    expect(() => parseVolumeFlag('vol:/', CWD)).toThrow(`invalid mount config for type "volume"`);
  });
  it('refuses propagation on volumes and nocopy on binds', () => {
    expect(() => parseVolumeFlag('vol:/v:rshared', CWD)).toThrow('field BindOptions must not be specified');
    expect(() => parseVolumeFlag('/a:/b:nocopy', CWD)).toThrow('field VolumeOptions must not be specified');
  });
  it('refuses volume names a local volume cannot have', () => {
    expect(() => parseVolumeFlag('a:/x', CWD)).toThrow('volume name is too short');
    expect(() => parseVolumeFlag('my~vol:/x', CWD)).toThrow(
      '"my~vol" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
    );
  });
});

describe('parseMountFlag (--mount)', () => {
  it('defaults to a volume', () => {
    expect(parseMountFlag('source=data,target=/data', CWD)).toEqual({
      type: 'volume',
      source: 'data',
      target: '/data',
      readonly: false,
    });
  });
  it('reads a bind with its aliases and options', () => {
    expect(parseMountFlag('type=bind,src=/srv,dst=/srv,readonly,bind-propagation=rshared', CWD)).toEqual({
      type: 'bind',
      source: '/srv',
      target: '/srv',
      readonly: true,
      propagation: 'rshared',
      createSource: false,
    });
    const m = parseMountFlag('type=bind,source=./x,destination=/x,ro=false,bind-recursive=disabled,bind-create-src', CWD);
    expect(m).toMatchObject({ source: '/home/me/project/x', readonly: false, nonRecursive: true, createSource: true });
  });
  it('is case-insensitive in keys and type', () => {
    expect(parseMountFlag('Type=BIND,Source=/a,Target=/b', CWD).type).toBe('bind');
  });
  it('reads CSV quoting', () => {
    expect(parseMountFlag('type=bind,"source=/a,b",target=/c', CWD).source).toBe('/a,b');
  });
  it('reads tmpfs size and mode', () => {
    const m = parseMountFlag('type=tmpfs,target=/cache,tmpfs-size=64m,tmpfs-mode=1770', CWD);
    expect(m).toEqual({ type: 'tmpfs', source: '', target: '/cache', readonly: false, tmpfsSize: 64 * 1024 * 1024, tmpfsMode: 0o1770 });
    expect(tmpfsRequestOptions(m)).toEqual(['noexec', 'nosuid', 'nodev', 'rprivate', 'mode=1770', 'size=64m']);
  });
  it('reads volume-nocopy', () => {
    expect(parseMountFlag('source=v1,target=/v,volume-nocopy', CWD).noCopy).toBe(true);
  });
  it.each([
    ['', 'value is empty'],
    ['type=bind,target=/b', 'invalid mount config for type "bind": field Source must not be empty'],
    ['type=bind,source=/a', 'invalid mount config for type "bind": field Target must not be empty'],
    ['type=bind,source=rel,target=/b', "invalid mount path: 'rel' mount path must be absolute"],
    ['type=tmpfs,source=/a,target=/b', 'invalid mount config for type "tmpfs": field Source must not be specified'],
    ['type=nfs,target=/b', 'invalid mount config for type "nfs": mount type unknown'],
    ['type=volume,target=/b,bind-propagation=shared', "cannot mix 'bind-*' options with mount type 'volume'"],
    ['type=bind,source=/a,target=/b,tmpfs-size=1m', "cannot mix 'tmpfs-*' options with mount type 'bind'"],
    ['type=bind,source=/a,target=/b,volume-nocopy', "cannot mix 'volume-*' options with mount type 'bind'"],
    ['type=bind,source=/a,target=/b,bind-propagation=weird', 'invalid propagation mode: weird'],
    ['type=bind,source=/a,target=/b,bind-nonrecursive', 'bind-nonrecursive is deprecated, use bind-recursive=disabled instead'],
    ['type=bind,source=/a,target=/b,bind-recursive=maybe', 'invalid value for bind-recursive: maybe'],
    ['type=bind,source=/a,target=/b,readonly=yes', `invalid value for 'readonly': invalid boolean value ("yes")`],
    ['type=tmpfs,target=/t,tmpfs-size=big', 'invalid value for tmpfs-size: big'],
    ['type=tmpfs,target=/t,tmpfs-mode=999', 'invalid value for tmpfs-mode: 999'],
    ['type=bind,source=/a,target=/b,colour=red', "unknown option 'colour' in 'colour=red'"],
    ['type=bind,source=/a,target=/b,bogus', "invalid field 'bogus' must be a key=value pair"],
    ['type=bind,source=,target=/b', "invalid value for 'source': value is empty"],
    ['type=bind, source=/a,target=/b', "invalid option 'source' in ' source=/a': option should not have whitespace"],
    ['type=bind,source=/a ,target=/b', "invalid value for 'source' in 'source=/a ': value should not have whitespace"],
    ['type=volume,target=/', "invalid specification: destination can't be '/'"],
  ])('%j is refused with %j', (text, message) => {
    expect(() => parseMountFlag(text, CWD)).toThrow(message);
  });
});

describe('tmpfs options', () => {
  it('start from Docker’s noexec,nosuid,nodev,rprivate', () => {
    expect(tmpfsMountOptions([])).toEqual(['noexec', 'nosuid', 'nodev', 'rprivate']);
  });
  it('let the user override flags of the same kind', () => {
    expect(tmpfsMountOptions(['exec'])).toEqual(['nosuid', 'nodev', 'rprivate', 'exec']);
    expect(tmpfsMountOptions(['shared'])).toEqual(['noexec', 'nosuid', 'nodev', 'shared']);
    expect(tmpfsMountOptions(['size=1m', 'size=2m'])).toEqual(['noexec', 'nosuid', 'nodev', 'rprivate', 'size=2m']);
  });
  it('refuse unknown options', () => {
    expect(() => tmpfsMountOptions(['huge=1'])).toThrow('invalid tmpfs option "huge"');
    expect(() => tmpfsMountOptions(['size'])).toThrow('invalid tmpfs option "size"');
  });
  it('--tmpfs target[:options]', () => {
    expect(parseTmpfsFlag('/run')).toEqual({ target: '/run', options: ['noexec', 'nosuid', 'nodev', 'rprivate'] });
    expect(parseTmpfsFlag('/run:rw,size=64m')).toEqual({
      target: '/run',
      options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'rw', 'size=64m'],
    });
    expect(parseTmpfsFlag('/tmp:exec,mode=1777').options).toEqual(['nosuid', 'nodev', 'rprivate', 'exec', 'mode=1777']);
  });
  it('--tmpfs refuses relative and root targets', () => {
    expect(() => parseTmpfsFlag('run')).toThrow("invalid mount path: 'run' mount path must be absolute");
    expect(() => parseTmpfsFlag('/')).toThrow("invalid specification: destination can't be '/'");
  });
  it('--mount tmpfs read-only', () => {
    const m = parseMountFlag('type=tmpfs,target=/t,readonly', CWD);
    expect(tmpfsRequestOptions(m)).toEqual(['noexec', 'nosuid', 'nodev', 'rprivate', 'ro']);
    const sized = parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1000', CWD);
    expect(tmpfsRequestOptions(sized)).toContain('size=1000');
    expect(tmpfsRequestOptions(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1g', CWD))).toContain('size=1g');
  });
});

describe('parseDeviceFlag (--device)', () => {
  it.each([
    ['/dev/fuse', { pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', permissions: 'rwm' }],
    ['/dev/sda:/dev/xvda', { pathOnHost: '/dev/sda', pathInContainer: '/dev/xvda', permissions: 'rwm' }],
    ['/dev/sda:r', { pathOnHost: '/dev/sda', pathInContainer: '/dev/sda', permissions: 'r' }],
    ['/dev/sda:/dev/xvda:rw', { pathOnHost: '/dev/sda', pathInContainer: '/dev/xvda', permissions: 'rw' }],
    ['/dev/snd/', { pathOnHost: '/dev/snd', pathInContainer: '/dev/snd', permissions: 'rwm' }],
    ['/dev/a:/dev/b/', { pathOnHost: '/dev/a', pathInContainer: '/dev/b', permissions: 'rwm' }],
  ])('%s', (text, expected) => {
    expect(parseDeviceFlag(text)).toEqual(expected);
  });
  it.each([
    ['', 'bad format for path: '],
    [':/dev/x', 'bad format for path: :/dev/x'],
    ['/a:/b:rw:x', 'bad format for path: /a:/b:rw:x'],
    ['/dev/a:/dev/b:rx', 'bad mode specified: rx'],
    ['/dev/a:/dev/b:rr', 'bad mode specified: rr'],
    ['/dev/a:xvda', 'xvda is not an absolute path'],
    ['dev/a', 'dev/a is not an absolute path'],
  ])('%j is refused with %j', (text, message) => {
    expect(() => parseDeviceFlag(text)).toThrow(message);
  });
});
