import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { commitFreezePath, freezeAbandoned, freezeForCommit, thawAbandonedFreeze } from '../../../src/runtime/commit-freeze';
import { processStartTime } from '../../../src/sys/proc-stat';
import type { CgroupManager } from '../../../src/cgroups/manager';
import type { OciStatus } from '../../../src/runtime/status';
import { tempDir } from '../helpers/tmp';

/** A cgroup that records freeze and thaw calls, and whether the freeze record was on disk at each. */
function fakeCgroup(bundle: string, options: { failFreeze?: boolean; failThaw?: boolean } = {}): CgroupManager & { calls: string[] } {
  const calls: string[] = [];
  const recorded = () => (fs.existsSync(commitFreezePath(bundle)) ? 'recorded' : 'unrecorded');
  return {
    calls,
    freeze: () => {
      calls.push(`freeze ${recorded()}`);
      if (options.failFreeze) throw new Error('freeze failed');
    },
    thaw: () => {
      calls.push(`thaw ${recorded()}`);
      if (options.failThaw) throw new Error('thaw failed');
    },
  } as unknown as CgroupManager & { calls: string[] };
}

/** A pid that is gone: a child that has exited and been reaped. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('freezeForCommit', () => {
  let bundle: string;
  beforeEach(() => {
    bundle = tempDir();
  });
  afterEach(() => fs.rmSync(bundle, { recursive: true, force: true }));

  test('records the freeze (this pid and its start time) before freezing; release thaws, then removes the record', () => {
    const cgroup = fakeCgroup(bundle);
    const freeze = freezeForCommit(bundle, cgroup);
    const record = JSON.parse(fs.readFileSync(commitFreezePath(bundle), 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, pidStartTime: processStartTime(process.pid) });
    expect(freezeAbandoned(bundle)).toBe(false); // its process lives
    freeze.release();
    freeze.release(); // once only
    expect(cgroup.calls).toEqual(['freeze recorded', 'thaw recorded']);
    expect(fs.existsSync(commitFreezePath(bundle))).toBe(false);
  });

  test('a freeze that fails leaves no record', () => {
    expect(() => freezeForCommit(bundle, fakeCgroup(bundle, { failFreeze: true }))).toThrow('freeze failed');
    expect(fs.readdirSync(bundle)).toEqual([]);
  });

  test('a thaw that fails keeps the record, for the next command to thaw', () => {
    const freeze = freezeForCommit(bundle, fakeCgroup(bundle, { failThaw: true }));
    expect(() => freeze.release()).toThrow('thaw failed');
    expect(fs.existsSync(commitFreezePath(bundle))).toBe(true);
  });

  test('listens for SIGINT, SIGTERM and SIGHUP only while frozen, and only where nobody else does', () => {
    const other = (): void => undefined;
    process.on('SIGHUP', other);
    try {
      const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
      const freeze = freezeForCommit(bundle, fakeCgroup(bundle));
      expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual([before[0] + 1, before[1] + 1, before[2]]);
      freeze.release();
      expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
    } finally {
      process.off('SIGHUP', other);
    }
  });
});

describe('thawAbandonedFreeze', () => {
  let bundle: string;
  beforeEach(() => {
    bundle = tempDir();
  });
  afterEach(() => fs.rmSync(bundle, { recursive: true, force: true }));

  function record(pid: number, pidStartTime = processStartTime(pid) ?? '1'): void {
    fs.writeFileSync(path.join(bundle, 'commit-freeze.json'), JSON.stringify({ pid, pidStartTime, frozenAt: '' }));
  }
  const settle = (status: OciStatus | undefined, cgroup: CgroupManager): boolean => thawAbandonedFreeze(bundle, () => status, () => cgroup);

  test('no record: nothing to do', () => {
    const cgroup = fakeCgroup(bundle);
    expect(settle('running', cgroup)).toBe(false);
    expect(cgroup.calls).toEqual([]);
  });

  test('the record of a commit that is gone: thawed, the record removed', () => {
    record(deadPid());
    expect(freezeAbandoned(bundle)).toBe(true);
    const cgroup = fakeCgroup(bundle);
    expect(settle('running', cgroup)).toBe(true);
    expect(cgroup.calls).toEqual(['thaw recorded']);
    expect(fs.existsSync(commitFreezePath(bundle))).toBe(false);
  });

  test('a reused pid (same pid, other start time) is no live commit', () => {
    record(process.ppid, '1');
    expect(settle('running', fakeCgroup(bundle))).toBe(true);
  });

  test('the record of a live commit is left to it', () => {
    record(process.pid);
    const cgroup = fakeCgroup(bundle);
    expect(settle('running', cgroup)).toBe(false);
    expect(cgroup.calls).toEqual([]);
  });

  test("a paused container keeps the user's pause: not thawed, the stale record removed", () => {
    record(deadPid());
    const cgroup = fakeCgroup(bundle);
    expect(settle('paused', cgroup)).toBe(true);
    expect(cgroup.calls).toEqual([]);
    expect(fs.existsSync(commitFreezePath(bundle))).toBe(false);
  });

  test('a container without processes whose cgroup is gone: the record removed all the same', () => {
    record(deadPid());
    expect(settle('stopped', fakeCgroup(bundle, { failThaw: true }))).toBe(true);
    expect(fs.existsSync(commitFreezePath(bundle))).toBe(false);
  });

  test('a running container whose thaw fails: the error, and the record kept', () => {
    record(deadPid());
    expect(() => settle('running', fakeCgroup(bundle, { failThaw: true }))).toThrow('thaw failed');
    expect(fs.existsSync(commitFreezePath(bundle))).toBe(true);
  });

  test('a torn record names no live commit', () => {
    fs.writeFileSync(commitFreezePath(bundle), '{"pid": 12');
    expect(settle('running', fakeCgroup(bundle))).toBe(true);
  });
});
