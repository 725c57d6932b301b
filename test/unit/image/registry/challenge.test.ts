import { parseChallenges } from '../../../../src/image/registry/challenge';

describe('parseChallenges', () => {
  test('Docker Hub style bearer challenge', () => {
    expect(
      parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
      },
    ]);
  });

  test('quoted values keep commas, escapes and spaces', () => {
    const [c] = parseChallenges('Bearer realm="https://h/token", scope="repository:a:pull,push repository:b:pull", service="a \\"b\\", c"');
    expect(c.params.scope).toBe('repository:a:pull,push repository:b:pull');
    expect(c.params.service).toBe('a "b", c');
  });

  test('several challenges in one header, parameter names case-insensitive', () => {
    expect(parseChallenges('Basic realm="Registry Realm", Bearer Realm="https://h/t",Service=reg')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'https://h/t', service: 'reg' } },
    ]);
  });

  test('unquoted URL values and spaces around "="', () => {
    expect(parseChallenges('Bearer realm = https://h:5001/auth?x=1 , service = svc')[0].params).toEqual({
      realm: 'https://h:5001/auth?x=1',
      service: 'svc',
    });
  });

  test('headers given as an array, a bare scheme, and junk', () => {
    expect(parseChallenges(['Basic', 'Bearer realm="r"'])).toEqual([
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
    expect(parseChallenges(',,; Basic realm=x')).toEqual([{ scheme: 'basic', params: { realm: 'x' } }]);
  });
});
