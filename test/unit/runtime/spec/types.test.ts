import { serializeSpec, Spec } from '../../../../src/runtime/spec/types';
import { minimalSpec } from './minimal-spec';

const spec: Spec = minimalSpec();
spec.process.rlimits = [
  { type: 'RLIMIT_CORE', soft: -1, hard: -1 },
  { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
];
spec.linux.namespaces = [{ type: 'pid' }];
spec.linux.resources = { devices: [{ allow: false, access: 'rwm' }], pids: { limit: -1 } };

describe('serializeSpec', () => {
  it('writes unlimited rlimits as RLIM_INFINITY (uint64 max)', () => {
    const text = serializeSpec(spec);
    expect(text).toContain('"soft": 18446744073709551615');
    expect(text).toContain('"hard": 18446744073709551615');
    expect(text).toContain('"hard": 2048');
  });
  it('leaves other -1 values (pids limit) alone', () => {
    expect(serializeSpec(spec)).toContain('"limit": -1');
  });
  it('is JSON that reads back to the same spec apart from infinity', () => {
    const parsed = JSON.parse(serializeSpec(spec));
    expect(parsed.linux).toEqual(spec.linux);
    expect(parsed.process.rlimits[1]).toEqual({ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 });
  });
});
