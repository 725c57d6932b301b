import { repositoryScope, scopesCover, TokenCache } from '../../../../src/image/registry/token';

describe('token scopes and cache', () => {
  test('repositoryScope', () => {
    expect(repositoryScope('library/busybox', ['pull', 'push'])).toBe('repository:library/busybox:pull,push');
  });

  test('a pull,push grant covers pull of the same repository only', () => {
    const granted = ['repository:a:pull,push'];
    expect(scopesCover(granted, ['repository:a:pull'])).toBe(true);
    expect(scopesCover(granted, ['repository:a:pull,push'])).toBe(true);
    expect(scopesCover(granted, ['repository:b:pull'])).toBe(false);
    expect(scopesCover(['repository:a:pull'], ['repository:a:push'])).toBe(false);
    expect(scopesCover(['repository:a:pull,push', 'repository:b:pull'], ['repository:b:pull', 'repository:a:push'])).toBe(true);
  });

  test('cache serves exact and covered scopes, skips expired tokens, and drops on demand', () => {
    const cache = new TokenCache();
    cache.put(['repository:a:pull,push'], { value: 't1', expiresAt: Date.now() + 60_000 });
    cache.put([], { value: 'ping', expiresAt: Date.now() + 60_000 });
    expect(cache.get(['repository:a:pull'])?.value).toBe('t1');
    expect(cache.get([])?.value).toBe('ping');
    expect(cache.get(['repository:b:pull'])).toBeUndefined();
    cache.put(['repository:b:pull'], { value: 'old', expiresAt: Date.now() - 1 });
    expect(cache.get(['repository:b:pull'])).toBeUndefined();
    cache.drop(['repository:a:pull']);
    expect(cache.get(['repository:a:pull,push'])).toBeUndefined();
    expect(cache.get([])?.value).toBe('ping');
  });
});
