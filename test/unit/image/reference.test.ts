import { InvalidReferenceError } from '../../../src/errors';
import {
  ImageReference,
  familiarName,
  familiarString,
  formatReference,
  isDigest,
  isLoopbackRegistry,
  looksLikeImageId,
  normalizeReference,
  parseReference,
  registryHost,
  repositoryName,
} from '../../../src/image/reference';

const HEX64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const DIGEST = `sha256:${HEX64}`;

function ref(domain: string, path: string, tag?: string, digest?: string): ImageReference {
  const r: ImageReference = { domain, path };
  if (tag !== undefined) r.tag = tag;
  if (digest !== undefined) r.digest = digest;
  return r;
}

describe('parseReference (strict grammar, no defaults)', () => {
  const valid: Array<[string, ImageReference]> = [
    ['busybox', ref('', 'busybox')],
    ['busybox:latest', ref('', 'busybox', 'latest')],
    ['test_com', ref('', 'test_com')],
    ['test.com:tag', ref('', 'test.com', 'tag')],
    ['test.com:5000', ref('', 'test.com', '5000')],
    ['test.com/repo:tag', ref('test.com', 'repo', 'tag')],
    ['test:5000/repo', ref('test:5000', 'repo')],
    ['test:5000/repo:tag', ref('test:5000', 'repo', 'tag')],
    [`test:5000/repo@${DIGEST}`, ref('test:5000', 'repo', undefined, DIGEST)],
    [`test:5000/repo:tag@${DIGEST}`, ref('test:5000', 'repo', 'tag', DIGEST)],
    ['127.0.0.1:5000/busybox', ref('127.0.0.1:5000', 'busybox')],
    ['localhost/x', ref('localhost', 'x')],
    ['localhost:5000/a/b/c:v1', ref('localhost:5000', 'a/b/c', 'v1')],
    ['[::1]:5000/x', ref('[::1]:5000', 'x')],
    ['[::1]/x:y', ref('[::1]', 'x', 'y')],
    ['[2001:db8::1]:5000/ns/repo', ref('[2001:db8::1]:5000', 'ns/repo')],
    ['[fe80::1:2]/x', ref('[fe80::1:2]', 'x')],
    ['quay.io/ns/repo:1.0', ref('quay.io', 'ns/repo', '1.0')],
    // The optional domain is greedy: the first of two components is a domain.
    ['docker/whalesay', ref('docker', 'whalesay')],
    ['a/b/c/d/e', ref('a', 'b/c/d/e')],
    ['Example.COM/repo', ref('Example.COM', 'repo')],
    ['my-registry.example.com:443/team/app', ref('my-registry.example.com:443', 'team/app')],
    ['x/a_b', ref('x', 'a_b')],
    ['x/a__b', ref('x', 'a__b')],
    ['x/a-b', ref('x', 'a-b')],
    ['x/a---b', ref('x', 'a---b')],
    ['x/a.b', ref('x', 'a.b')],
    ['x/a.b_c-d__e', ref('x', 'a.b_c-d__e')],
    ['x/0', ref('x', '0')],
    ['repo:T_a.g-9', ref('', 'repo', 'T_a.g-9')],
    ['repo:_tag', ref('', 'repo', '_tag')],
    [`repo:${'t'.repeat(128)}`, ref('', 'repo', 't'.repeat(128))],
    [`repo@${DIGEST}`, ref('', 'repo', undefined, DIGEST)],
    [`repo@sha512:${'f'.repeat(128)}`, ref('', 'repo', undefined, `sha512:${'f'.repeat(128)}`)],
    [`repo@sha384:${'0'.repeat(96)}`, ref('', 'repo', undefined, `sha384:${'0'.repeat(96)}`)],
    [`${'a'.repeat(255)}`, ref('', 'a'.repeat(255))],
    [`a/${'b'.repeat(253)}`, ref('a', 'b'.repeat(253))],
  ];
  it.each(valid)('parses %s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  const invalid: Array<[string, string]> = [
    ['uppercase repository', 'Busybox'],
    ['uppercase in a later component', 'x/Busybox'],
    ['empty tag', 'busybox:'],
    ['129-character tag', `repo:${'t'.repeat(129)}`],
    ['tag starting with a dot', 'repo:.tag'],
    ['tag starting with a dash', 'repo:-tag'],
    ['tag with a slash', 'repo:a/b'],
    ['leading separator', '_busybox'],
    ['leading dash', '-busybox'],
    ['leading dot', '.busybox'],
    ['trailing separator', 'busybox_'],
    ['trailing dash', 'busybox-'],
    ['double dot', 'a..b'],
    ['underscore then dash', 'x/a__-b'],
    ['triple underscore', 'x/a___b'],
    ['dot then underscore', 'x/a._b'],
    ['dash then dot', 'x/a-.b'],
    ['trailing slash', 'busybox/'],
    ['leading slash', '/busybox'],
    ['double slash', 'a//b'],
    ['space', 'busy box'],
    ['leading space', ' busybox'],
    ['trailing newline', 'busybox\n'],
    ['Korean characters', '컨테이너_이름'],
    ['accented letter', 'caf\u00e9'],
    ['empty digest', 'repo@'],
    ['digest without algorithm', `repo@${HEX64}`],
    ['digest hex too short for the grammar', `repo@sha256:${'a'.repeat(31)}`],
    ['two tags', 'repo:a:b'],
    ['domain component starting with a dash', '-example.com/repo'],
    ['domain component ending with a dash', 'example-.com/repo'],
    ['port without digits', 'example.com:/repo'],
    ['IPv6 without brackets and a path', '::1/repo'],
    ['IPv6 with a zone', '[fe80::1%eth0]/repo'],
    ['only a colon', ':'],
    ['only a tag', ':latest'],
    ['only a digest', `@${DIGEST}`],
  ];
  it.each(invalid)('rejects %s (%j)', (_why, input) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError);
  });

  it('says "invalid reference format" and quotes the input', () => {
    expect(() => parseReference('a..b')).toThrow('invalid reference format: `a..b`');
  });

  it('says the repository name must be lowercase when only case is wrong', () => {
    expect(() => parseReference('Busybox:Tag')).toThrow(
      'invalid reference format: repository name (Busybox) must be lowercase',
    );
  });

  it('names the empty reference', () => {
    expect(() => parseReference('')).toThrow('repository name must have at least one component');
  });

  it('rejects a name over 255 characters, domain included', () => {
    expect(() => parseReference('a'.repeat(256))).toThrow('must not be more than 255 characters');
    expect(() => parseReference(`example.com/${'b'.repeat(244)}`)).toThrow('255 characters');
    expect(parseReference(`example.com/${'b'.repeat(243)}`).path).toHaveLength(243);
  });

  it('checks the digest length for its algorithm', () => {
    expect(() => parseReference(`repo@sha256:${'a'.repeat(63)}`)).toThrow('invalid checksum digest length');
    expect(() => parseReference(`repo@sha256:${'a'.repeat(65)}`)).toThrow('invalid checksum digest length');
    expect(() => parseReference(`repo@sha512:${'a'.repeat(64)}`)).toThrow('invalid checksum digest length');
  });

  it('wants lower-case hex in a sha256 digest', () => {
    expect(() => parseReference(`repo@sha256:${'A'.repeat(64)}`)).toThrow('invalid checksum digest format');
  });

  it('rejects digest algorithms it cannot verify', () => {
    expect(() => parseReference(`repo@md5:${'a'.repeat(32)}`)).toThrow('unsupported digest algorithm');
  });

  it('stays fast on long near-miss input', () => {
    const started = Date.now();
    expect(() => parseReference(`${'a-'.repeat(2000)}!`)).toThrow(InvalidReferenceError);
    expect(() => parseReference(`${'a'.repeat(3000)}.${'b'.repeat(3000)}-/x!`)).toThrow(InvalidReferenceError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('normalizeReference (ParseNormalizedNamed + TagNameOnly)', () => {
  const cases: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['user/repo', 'docker.io/user/repo:latest'],
    ['docker/whalesay', 'docker.io/docker/whalesay:latest'],
    ['a/b/c', 'docker.io/a/b/c:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/user/repo:v2', 'docker.io/user/repo:v2'],
    ['localhost/x', 'localhost/x:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/busybox', '127.0.0.1:5000/busybox:latest'],
    ['[::1]:5000/x', '[::1]:5000/x:latest'],
    ['quay.io/ns/repo', 'quay.io/ns/repo:latest'],
    ['example:5000/repo', 'example:5000/repo:latest'],
    ['Registry/repo', 'Registry/repo:latest'],
    ['localhost', 'docker.io/library/localhost:latest'],
    ['localhost:5000', 'docker.io/library/localhost:5000'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1.36@${DIGEST}`, `docker.io/library/busybox:1.36@${DIGEST}`],
    [`127.0.0.1:5000/a/b@${DIGEST}`, `127.0.0.1:5000/a/b@${DIGEST}`],
  ];
  it.each(cases)('%s -> %s', (input, expected) => {
    expect(formatReference(normalizeReference(input))).toBe(expected);
  });

  it('splits domain and path', () => {
    expect(normalizeReference('busybox')).toEqual(ref('docker.io', 'library/busybox', 'latest'));
    expect(normalizeReference(`busybox@${DIGEST}`)).toEqual(ref('docker.io', 'library/busybox', undefined, DIGEST));
  });

  it('rejects upper case with Docker\'s message', () => {
    expect(() => normalizeReference('Busybox')).toThrow(
      'invalid reference format: repository name (library/Busybox) must be lowercase',
    );
    expect(() => normalizeReference('user/Repo:tag')).toThrow('repository name (user/Repo) must be lowercase');
    expect(() => normalizeReference('quay.io/NS/repo')).toThrow('repository name (NS/repo) must be lowercase');
  });

  it('quotes the user\'s spelling in format errors', () => {
    expect(() => normalizeReference('a..b')).toThrow('invalid reference format: `a..b`');
    expect(() => normalizeReference('busybox:')).toThrow('`busybox:`');
    expect(() => normalizeReference('컨테이너_이름')).toThrow('invalid reference format: `컨테이너_이름`');
  });

  it('refuses a 64-hex name, which is an image id', () => {
    expect(() => normalizeReference(HEX64)).toThrow('cannot specify 64-byte hexadecimal strings');
  });

  it('counts docker.io/library/ in the 255-character limit', () => {
    expect(() => normalizeReference('a'.repeat(240))).toThrow('255 characters');
    expect(normalizeReference('a'.repeat(237)).path).toBe(`library/${'a'.repeat(237)}`);
  });

  it('rejects the empty string', () => {
    expect(() => normalizeReference('')).toThrow(InvalidReferenceError);
  });
});

describe('familiar and canonical forms', () => {
  const cases: Array<[string, string, string, string]> = [
    // input, repositoryName, familiarName, familiarString
    ['busybox', 'docker.io/library/busybox', 'busybox', 'busybox:latest'],
    ['docker/whalesay', 'docker.io/docker/whalesay', 'docker/whalesay', 'docker/whalesay:latest'],
    ['127.0.0.1:5000/busybox:1', '127.0.0.1:5000/busybox', '127.0.0.1:5000/busybox', '127.0.0.1:5000/busybox:1'],
    ['library/a/b', 'docker.io/library/a/b', 'library/a/b', 'library/a/b:latest'],
    ['localhost/library/x', 'localhost/library/x', 'localhost/library/x', 'localhost/library/x:latest'],
    [`busybox@${DIGEST}`, 'docker.io/library/busybox', 'busybox', `busybox@${DIGEST}`],
    [`busybox:v@${DIGEST}`, 'docker.io/library/busybox', 'busybox', `busybox:v@${DIGEST}`],
  ];
  it.each(cases)('%s', (input, repository, familiar, familiarFull) => {
    const r = normalizeReference(input);
    expect(repositoryName(r)).toBe(repository);
    expect(familiarName(r)).toBe(familiar);
    expect(familiarString(r)).toBe(familiarFull);
  });

  it('round-trips the canonical form', () => {
    for (const input of ['busybox', 'quay.io/a/b:c', `x/y:z@${DIGEST}`]) {
      const r = normalizeReference(input);
      expect(normalizeReference(formatReference(r))).toEqual(r);
    }
  });

  it('formats a strict reference without a domain', () => {
    expect(formatReference(parseReference('busybox:1'))).toBe('busybox:1');
    expect(repositoryName(parseReference('busybox:1'))).toBe('busybox');
  });
});

describe('registryHost', () => {
  it('maps Docker Hub to its API endpoint', () => {
    expect(registryHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryHost('index.docker.io')).toBe('registry-1.docker.io');
  });
  it('leaves other registries alone', () => {
    expect(registryHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(registryHost('quay.io')).toBe('quay.io');
  });
});

describe('isLoopbackRegistry', () => {
  it.each([
    'localhost', 'localhost:5000', 'LOCALHOST:5000', '127.0.0.1', '127.0.0.1:5000', '127.1.2.3:443',
    '[::1]', '[::1]:5000', '::1', '[0:0:0:0:0:0:0:1]:5000', '[::ffff:127.0.0.1]:5000',
  ])('%s is loopback', (domain) => {
    expect(isLoopbackRegistry(domain)).toBe(true);
  });
  it.each([
    'docker.io', 'quay.io:443', '128.0.0.1:5000', '10.0.0.1', '[::2]:5000', '127.0.0.01', '127.0.0.256',
    'localhost.example.com', 'mylocalhost:5000', '[::1:0]', '127.0.0', '[::ffff:10.0.0.1]',
  ])('%s is not loopback', (domain) => {
    expect(isLoopbackRegistry(domain)).toBe(false);
  });
});

describe('isDigest and looksLikeImageId', () => {
  it('accepts well-formed verifiable digests only', () => {
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest(`sha512:${'e'.repeat(128)}`)).toBe(true);
    expect(isDigest(HEX64)).toBe(false);
    expect(isDigest(`sha256:${'a'.repeat(63)}`)).toBe(false);
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDigest(`md5:${'a'.repeat(32)}`)).toBe(false);
    expect(isDigest(`sha256:${'g'.repeat(64)}`)).toBe(false);
    expect(isDigest('')).toBe(false);
  });

  it('recognises full and abbreviated image ids', () => {
    expect(looksLikeImageId(HEX64)).toBe(true);
    expect(looksLikeImageId(DIGEST)).toBe(true);
    expect(looksLikeImageId('0123456789ab')).toBe(true);
    expect(looksLikeImageId('0123456789a')).toBe(false);
    expect(looksLikeImageId(`${HEX64}0`)).toBe(false);
    expect(looksLikeImageId('0123456789AB')).toBe(false);
    expect(looksLikeImageId('busybox')).toBe(false);
  });
});
