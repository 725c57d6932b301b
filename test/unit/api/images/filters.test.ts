import { familiarMatch, matchesLabels, parseImageFilters, pathMatch } from '../../../../src/api/images/filters';
import { normalizeReference } from '../../../../src/image/reference';
import { UsageError } from '../../../../src/errors';

describe('parseImageFilters (dockerd 20.10 images --filter)', () => {
  it('reads every key Docker accepts', () => {
    expect(parseImageFilters(['dangling=true', 'label=a', 'label=b=c', 'before=x', 'since=y', 'reference=busy*'])).toEqual({
      dangling: true, labels: ['a', 'b=c'], before: 'x', since: 'y', references: ['busy*'],
    });
    expect(parseImageFilters(['dangling=false']).dangling).toBe(false);
    expect(parseImageFilters([]).dangling).toBeUndefined();
  });

  it("refuses what dockerd refuses, in its words", () => {
    expect(() => parseImageFilters(['bogus=1'])).toThrow(new UsageError("Invalid filter 'bogus'"));
    expect(() => parseImageFilters(['dangling=maybe'])).toThrow(new UsageError("Invalid filter 'dangling=[maybe]'"));
    expect(() => parseImageFilters(['dangling'])).toThrow('bad format of filter (expected name=value)');
  });
});

describe("pathMatch (Go's path.Match)", () => {
  it.each([
    ['busybox', 'busybox', true],
    ['busy*', 'busybox', true],
    ['w*', 'webserver', true],
    ['*', 'library/busybox', false],
    ['*/*', 'library/busybox', true],
    ['busybox:lat?st', 'busybox:latest', true],
    ['[a-c]usybox', 'busybox', true],
    ['[^a-c]usybox', 'busybox', false],
    ['\\*', '*', true],
    ['a.b', 'axb', false],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(pathMatch(pattern, name)).toBe(expected);
  });

  it('refuses a bad pattern as Go does', () => {
    for (const bad of ['[', '[]', 'a[b', 'x\\']) expect(() => pathMatch(bad, 'x')).toThrow('syntax error in pattern');
  });
});

describe('familiarMatch and matchesLabels', () => {
  it('matches `name:tag` or `name`, never the docker.io/library/ form', () => {
    const ref = normalizeReference('busybox:1.36');
    expect(familiarMatch('busybox', ref)).toBe(true);
    expect(familiarMatch('busybox:1.*', ref)).toBe(true);
    expect(familiarMatch('busybox:latest', ref)).toBe(false);
    expect(familiarMatch('docker.io/library/busybox', ref)).toBe(false);
  });

  it('needs every label filter to match', () => {
    expect(matchesLabels({ a: '1', b: '2' }, ['a', 'b=2'])).toBe(true);
    expect(matchesLabels({ a: '1' }, ['a', 'b'])).toBe(false);
    expect(matchesLabels({ a: '1' }, ['a=2'])).toBe(false);
    expect(matchesLabels(undefined, ['a'])).toBe(false);
    expect(matchesLabels(undefined, [])).toBe(true);
  });
});
