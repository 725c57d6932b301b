import { buildRlimits, checkUlimit } from '../../../../src/runtime/spec/rlimits';
import { RLIM_UNLIMITED } from '../../../../src/runtime/spec/types';

describe('buildRlimits', () => {
  it('is empty by default: Docker passes no rlimits, the container inherits the caller’s', () => {
    expect(buildRlimits([], { nofile: 1024 })).toEqual([]);
  });
  it('turns --ulimit into RLIMIT_ entries', () => {
    expect(buildRlimits(['nofile=1024:2048', 'nproc=64'], { nofile: 4096, nproc: 1000 })).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
      { type: 'RLIMIT_NPROC', soft: 64, hard: 64 },
    ]);
  });
  it('takes parsed ulimits too', () => {
    expect(buildRlimits([{ name: 'core', soft: 0, hard: 0 }], {})).toEqual([{ type: 'RLIMIT_CORE', soft: 0, hard: 0 }]);
  });
  it('lets the last value of a name win', () => {
    expect(buildRlimits(['nofile=10', 'nofile=20:30'], {})).toEqual([{ type: 'RLIMIT_NOFILE', soft: 20, hard: 30 }]);
  });
  it('allows up to the caller’s hard limit', () => {
    expect(buildRlimits(['nofile=20000:20000'], { nofile: 20000 })).toHaveLength(1);
  });
  it('refuses a hard limit above the caller’s, naming the limit', () => {
    expect(() => buildRlimits(['nofile=1024:1048576'], { nofile: 20000 })).toThrow(
      "set ulimit `nofile`: hard limit 1048576 exceeds the caller's hard limit 20000",
    );
  });
  it('refuses unlimited when the caller is limited', () => {
    expect(() => buildRlimits(['core=-1'], { core: 0 })).toThrow('hard limit unlimited exceeds');
  });
  it('allows anything when the caller is unlimited or the limit unknown', () => {
    expect(buildRlimits(['core=-1'], { core: RLIM_UNLIMITED })).toEqual([{ type: 'RLIMIT_CORE', soft: -1, hard: -1 }]);
    expect(buildRlimits(['stack=8388608'], {})).toHaveLength(1);
  });
  it('reports parse errors of the flag', () => {
    expect(() => buildRlimits(['files=1'], {})).toThrow('invalid ulimit type: files');
  });
  it('checkUlimit exits 125 with a hint', () => {
    try {
      checkUlimit({ name: 'nofile', soft: 1, hard: 99 }, { nofile: 10 });
      throw new Error('not thrown');
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(125);
      expect((err as { hint: string }).hint).toContain('at most 10');
    }
  });
});
