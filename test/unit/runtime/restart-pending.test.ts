import { policyRestarts } from '../../../src/runtime/restart-pending';
import type { HostConfigSummary } from '../../../src/runtime/state';

function state(name: string, maximumRetryCount = 0, restartCount = 0, autoRemove = false) {
  return { hostConfig: { restartPolicy: { name, maximumRetryCount } } as HostConfigSummary, autoRemove, restartCount };
}

describe('policyRestarts (the monitor\'s restart_delay rule)', () => {
  it('always and unless-stopped restart after any exit', () => {
    for (const name of ['always', 'unless-stopped']) {
      expect(policyRestarts(state(name), 0)).toBe(true);
      expect(policyRestarts(state(name), 137)).toBe(true);
    }
  });

  it('on-failure restarts after a non-zero exit while the count is below the maximum (0: no maximum)', () => {
    expect(policyRestarts(state('on-failure'), 0)).toBe(false);
    expect(policyRestarts(state('on-failure'), 1)).toBe(true);
    expect(policyRestarts(state('on-failure', 0, 50), 1)).toBe(true);
    expect(policyRestarts(state('on-failure', 2, 1), 1)).toBe(true);
    expect(policyRestarts(state('on-failure', 2, 2), 1)).toBe(false);
  });

  it('no, an unknown policy, or --rm: never', () => {
    expect(policyRestarts(state('no'), 1)).toBe(false);
    expect(policyRestarts(state('sometimes'), 1)).toBe(false);
    expect(policyRestarts(state('always', 0, 0, true), 1)).toBe(false);
  });
});
