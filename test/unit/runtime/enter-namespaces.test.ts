import * as fs from 'node:fs';
import { withNewNamespaces } from '../../../src/runtime/enter-namespaces';
import {
  CLONE_FS, CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS,
} from '../../../src/sys/namespaces';
import { recordingHostCalls, RecordingHostCalls } from './recording-host-calls';

function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** The fds and CLONE_NEW* flags withNewNamespaces passed to setns, in order. */
function setnsCalls(sys: RecordingHostCalls): Array<{ fd: number; flag: number }> {
  return sys.named('setns').map((c) => ({ fd: c.args[0] as number, flag: c.args[1] as number }));
}

describe('withNewNamespaces', () => {
  it('unshares CLONE_FS first, then the namespaces, runs fn, and setns()es back pid, net, ipc, uts, mnt', () => {
    const sys = recordingHostCalls();
    const inside: string[] = [];
    const result = withNewNamespaces(
      ['mnt', 'uts', 'ipc', 'net', 'pid'],
      () => {
        inside.push(sys.calls.map((c) => c.name).join(','));
        return 42;
      },
      sys,
    );
    expect(result).toBe(42);
    expect(inside).toEqual(['unshare,unshare']);
    expect(sys.calls.slice(0, 2)).toEqual([
      { name: 'unshare', args: [CLONE_FS] },
      { name: 'unshare', args: [CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID] },
    ]);
    expect(setnsCalls(sys).map((c) => c.flag)).toEqual([CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS]);
    expect(sys.calls).toHaveLength(7);
  });

  it('steps back through fds of its own namespaces, opened before unshare, and closes them', () => {
    const sys = recordingHostCalls();
    const inodes = new Map<number, number>();
    withNewNamespaces(
      ['mnt', 'net', 'pid'],
      () => undefined,
      {
        ...sys,
        setns: (fd, nstype, subject) => {
          inodes.set(nstype ?? 0, fs.fstatSync(fd).ino);
          sys.setns(fd, nstype, subject);
        },
      },
    );
    expect(inodes.get(CLONE_NEWPID)).toBe(fs.statSync('/proc/self/ns/pid').ino);
    expect(inodes.get(CLONE_NEWNET)).toBe(fs.statSync('/proc/self/ns/net').ino);
    expect(inodes.get(CLONE_NEWNS)).toBe(fs.statSync('/proc/self/ns/mnt').ino);
    for (const { fd } of setnsCalls(sys)) expect(isOpen(fd)).toBe(false);
  });

  it('restores the cgroup namespace between uts and mnt, and only the namespaces it left', () => {
    const sys = recordingHostCalls();
    withNewNamespaces(['net', 'cgroup', 'mnt'], () => undefined, sys);
    expect(sys.calls[1]).toEqual({ name: 'unshare', args: [CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWNS] });
    expect(setnsCalls(sys).map((c) => c.flag)).toEqual([CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWNS]);
  });

  it('steps back in the same order when fn throws, and rethrows', () => {
    const sys = recordingHostCalls();
    const failure = new Error('mount failed inside');
    expect(() =>
      withNewNamespaces(
        ['pid', 'mnt', 'uts', 'net', 'ipc'],
        () => {
          throw failure;
        },
        sys,
      ),
    ).toThrow(failure);
    expect(sys.calls.map((c) => c.name)).toEqual(['unshare', 'unshare', 'setns', 'setns', 'setns', 'setns', 'setns']);
    expect(setnsCalls(sys).map((c) => c.flag)).toEqual([CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS]);
    for (const { fd } of setnsCalls(sys)) expect(isOpen(fd)).toBe(false);
  });

  it('does not run fn nor setns when unshare fails, and closes the saved fds', () => {
    const sys = recordingHostCalls({ failures: { unshare: 1 } });
    const fdsBefore = fs.readdirSync('/proc/self/fd').length;
    const fn = jest.fn();
    expect(() => withNewNamespaces(['mnt', 'pid'], fn, sys)).toThrow(/^unshare.*EPERM/);
    expect(fn).not.toHaveBeenCalled();
    expect(sys.named('setns')).toEqual([]);
    expect(fs.readdirSync('/proc/self/fd').length).toBe(fdsBefore);
  });

  it('exits 125 when it cannot step back (the process would be half inside the container)', () => {
    const sys = recordingHostCalls({ failures: { setns: 1 } });
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => withNewNamespaces(['mnt', 'pid'], () => 1, sys)).toThrow('exit 125');
      expect(String(stderr.mock.calls[0][0])).toMatch(/setns back into the host's pid namespace: EPERM .*berth cannot continue/);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});

describe('withNewNamespaces joining namespaces by path', () => {
  it('setns()es into each path with its kind after the unshare, and steps back out of it too', () => {
    const sys = recordingHostCalls();
    const inodes: Array<[number, number]> = [];
    let insideCalls = 0;
    withNewNamespaces(
      { unshare: ['mnt', 'uts'], join: [{ kind: 'net', path: '/proc/self/ns/net' }, { kind: 'ipc', path: '/proc/self/ns/ipc' }] },
      () => {
        insideCalls = sys.calls.length;
      },
      {
        ...sys,
        setns: (fd, nstype, subject) => {
          inodes.push([nstype ?? 0, fs.fstatSync(fd).ino]);
          sys.setns(fd, nstype, subject);
        },
      },
    );
    expect(sys.calls[1]).toEqual({ name: 'unshare', args: [CLONE_NEWNS | CLONE_NEWUTS] });
    // Two joins inside, then four steps back (net, ipc, uts, mnt).
    expect(insideCalls).toBe(4);
    expect(inodes.slice(0, 2)).toEqual([
      [CLONE_NEWNET, fs.statSync('/proc/self/ns/net').ino],
      [CLONE_NEWIPC, fs.statSync('/proc/self/ns/ipc').ino],
    ]);
    expect(setnsCalls(sys).slice(2).map((c) => c.flag)).toEqual([CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS]);
    expect((sys.named('setns')[0].args[2] as string)).toBe('the net namespace at `/proc/self/ns/net`');
  });

  it('refuses to both unshare and join a kind, or to join mnt or pid', () => {
    const sys = recordingHostCalls();
    expect(() => withNewNamespaces({ unshare: ['net'], join: [{ kind: 'net', path: '/proc/self/ns/net' }] }, () => 1, sys)).toThrow(/both unshared and joined/);
    expect(() => withNewNamespaces({ unshare: [], join: [{ kind: 'pid', path: '/proc/self/ns/pid' }] }, () => 1, sys)).toThrow(/cannot be joined/);
    expect(sys.calls).toEqual([]);
  });

  it('steps back when a path cannot be opened', () => {
    const sys = recordingHostCalls();
    expect(() => withNewNamespaces({ unshare: ['mnt'], join: [{ kind: 'net', path: '/nonexistent/ns/net' }] }, () => 1, sys)).toThrow(/ENOENT/);
    expect(setnsCalls(sys).map((c) => c.flag)).toEqual([CLONE_NEWNET, CLONE_NEWNS]);
  });
});
