import { anonymousVolumeName, validateVolumeName, ANONYMOUS_LABEL } from '../../../../src/api/volumes/names';
import { UsageError } from '../../../../src/errors/kinds';

describe('volume names', () => {
  it('accepts names of the local driver', () => {
    for (const name of ['ab', 'data', 'my_vol-1.2', '0x', 'A.b_c-d']) expect(() => validateVolumeName(name)).not.toThrow();
  });

  it("refuses other names with Docker's message", () => {
    expect(() => validateVolumeName('my vol')).toThrow(
      new UsageError(
        'create my vol: "my vol" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. ' +
          'If you intended to pass a host directory, use absolute path',
      ),
    );
    for (const name of ['-x', '.hidden', '_a', 'a/b', '../up', 'ü1']) expect(() => validateVolumeName(name)).toThrow(/includes invalid characters/);
  });

  it('refuses one-character names as too short', () => {
    expect(() => validateVolumeName('a')).toThrow('create a: volume name is too short, names should be at least two alphanumeric characters');
  });

  it('gives anonymous volumes 64 hex digits, different each time', () => {
    const a = anonymousVolumeName();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(anonymousVolumeName()).not.toBe(a);
    expect(() => validateVolumeName(a)).not.toThrow();
  });

  it("uses Docker's anonymous label", () => {
    expect(ANONYMOUS_LABEL).toBe('com.docker.volume.anonymous');
  });
});
