// A HostCalls double for unit tests: it records every kernel call in order,
// hands out fake fds (starting at 100) and tracks which are still open.
import { HostCalls } from '../../../src/runtime/host-calls';
import { SyscallError } from '../../../src/errors/syscall-error';

export interface RecordedCall {
  name: keyof HostCalls;
  args: unknown[];
}

export interface RecordingHostCalls extends HostCalls {
  calls: RecordedCall[];
  /** Fds handed out by openat2/ensureInRoot and not closed yet. */
  openFds: Set<number>;
  /** Calls of one kind, in order. */
  named(name: keyof HostCalls): RecordedCall[];
  /** Index in `calls` of the first call matching `predicate` (-1 when none). */
  indexOf(predicate: (call: RecordedCall) => boolean): number;
}

export interface DoubleOptions {
  /** Bind sources that are files, not directories (isDirectory answers false). */
  files?: string[];
  /** Calls that always throw a SyscallError: name -> errno. */
  failures?: Partial<Record<keyof HostCalls, number>>;
}

export function recordingHostCalls(options: DoubleOptions = {}): RecordingHostCalls {
  const calls: RecordedCall[] = [];
  const openFds = new Set<number>();
  let nextFd = 100;
  const record = (name: keyof HostCalls, args: unknown[]): void => {
    calls.push({ name, args });
    const errno = options.failures?.[name];
    // The wrappers take their error subject last: name it as the real call would.
    const subject = typeof args[args.length - 1] === 'string' ? (args[args.length - 1] as string) : undefined;
    if (errno !== undefined) throw new SyscallError(name, errno, subject);
  };
  const open = (name: keyof HostCalls, args: unknown[]): number => {
    record(name, args);
    const fd = nextFd++;
    openFds.add(fd);
    return fd;
  };
  return {
    calls,
    openFds,
    named: (name) => calls.filter((c) => c.name === name),
    indexOf: (predicate) => calls.findIndex(predicate),
    unshare: (...args) => record('unshare', args),
    setns: (...args) => record('setns', args),
    mount: (...args) => record('mount', args),
    mountSetattr: (...args) => record('mountSetattr', args),
    ensureInRoot: (...args) => open('ensureInRoot', args),
    openat2: (...args) => open('openat2', args),
    close: (fd) => {
      record('close', [fd]);
      if (!openFds.delete(fd)) throw new Error(`close of fd ${fd}, which is not open`);
    },
    mknodat: (...args) => record('mknodat', args),
    fchmodat: (...args) => record('fchmodat', args),
    fchownat: (...args) => record('fchownat', args),
    symlinkat: (...args) => record('symlinkat', args),
    sethostname: (...args) => record('sethostname', args),
    interfaceUp: (...args) => record('interfaceUp', args),
    writeSysctl: (...args) => record('writeSysctl', args),
    copyImageContent: (...args) => {
      record('copyImageContent', args);
      return true;
    },
    isDirectory: (hostPath) => {
      record('isDirectory', [hostPath]);
      return !(options.files ?? []).includes(hostPath);
    },
  };
}
