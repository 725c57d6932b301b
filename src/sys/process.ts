/** Process-level calls: hostname, rlimits, pidfds, prctl, signals. */
import { check, libcFunction, lastErrno } from './libc';
import { SyscallError } from '../errors/syscall-error';

const SYS_pidfd_open = 434;
const SYS_pidfd_send_signal = 424;

export function sethostname(name: string): void {
  const fn = libcFunction('int sethostname(const char *name, size_t len)');
  check(fn(name, Buffer.byteLength(name)), 'sethostname', `\`${name}\``);
}

/** RLIMIT_* numbers on Linux x86_64/aarch64. */
export const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4, RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9, RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13, RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
};

const RLIM_INFINITY = 0xffffffffffffffffn;

/** getrlimit(2): [soft, hard], with Infinity for RLIM_INFINITY. */
export function getrlimit(name: string): [number, number] {
  const resource = RLIMITS[name];
  if (resource === undefined) throw new SyscallError('getrlimit', 22, `\`${name}\``);
  const buf = Buffer.alloc(16);
  const fn = libcFunction('int getrlimit(int resource, void *rlim)');
  check(fn(resource, buf), 'getrlimit', `\`${name}\``);
  const conv = (v: bigint) => (v === RLIM_INFINITY ? Infinity : Number(v));
  return [conv(buf.readBigUInt64LE(0)), conv(buf.readBigUInt64LE(8))];
}

/** The caller's hard limit of every rlimit, by name. */
export function hardLimits(): Record<string, number> {
  return Object.fromEntries(Object.keys(RLIMITS).map((name) => [name, getrlimit(name)[1]]));
}

export function pidfdOpen(pid: number): number {
  const fn = libcFunction('long syscall(long number, ...)');
  return check(Number(fn(SYS_pidfd_open, 'int', pid, 'unsigned int', 0)), 'pidfd_open', `pid ${pid}`);
}

/** Signals the process behind a pidfd: immune to pid reuse. false when it has exited (ESRCH). */
export function pidfdSendSignal(pidfd: number, signal: number): boolean {
  const fn = libcFunction('long syscall(long number, ...)');
  const r = Number(fn(SYS_pidfd_send_signal, 'int', pidfd, 'int', signal, 'void *', null, 'unsigned int', 0));
  if (r === 0) return true;
  if (lastErrno() === 3) return false;
  return check(r, 'pidfd_send_signal', `signal ${signal}`) === 0;
}

/** Capability sets of the calling process from /proc/self/status. */
export function capabilitySets(status: string): { bounding: bigint; effective: bigint; permitted: bigint } {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(status);
    return m ? BigInt(`0x${m[1]}`) : 0n;
  };
  return { bounding: field('CapBnd'), effective: field('CapEff'), permitted: field('CapPrm') };
}
