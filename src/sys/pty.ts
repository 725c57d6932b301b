/**
 * Pseudo-terminals in a container's own devpts instance: the master is
 * opened through the container's /dev/pts/ptmx (resolved inside its root),
 * the slave with TIOCGPTPEER (no path lookup at all). Both are O_CLOEXEC:
 * a child gets them only where it is handed them (a stdio slot, a spawn's
 * fd list), never as a stray copy that keeps the terminal open.
 */
import { check, libcFunction } from './libc';
import { openat2, O_CLOEXEC, O_NOCTTY, O_RDWR, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS } from './fs-at';

const TIOCSPTLCK = 0x40045431;
const TIOCGPTN = 0x80045430;
const TIOCGPTPEER = 0x5441;
const TIOCSWINSZ = 0x5414;

export interface Pty {
  master: number;
  slave: number;
  /** N of /dev/pts/N inside the container. */
  number: number;
}

function ioctl(fd: number, request: number, arg: Buffer | number, what: string): number {
  const fn = typeof arg === 'number'
    ? libcFunction('int ioctl(int fd, unsigned long request, long arg)')
    : libcFunction('int ioctl(int fd, unsigned long request, void *arg)');
  return check(fn(fd, request, arg), 'ioctl', what);
}

/** Opens a new pty pair in the devpts mounted at /dev/pts of the root open at `rootFd`. */
export function openPtyInRoot(rootFd: number): Pty {
  const master = openat2(rootFd, 'dev/pts/ptmx', { flags: O_RDWR | O_NOCTTY | O_CLOEXEC, resolve: RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS });
  const zero = Buffer.alloc(4);
  ioctl(master, TIOCSPTLCK, zero, 'TIOCSPTLCK (unlock pty)');
  const n = Buffer.alloc(4);
  ioctl(master, TIOCGPTN, n, 'TIOCGPTN');
  const slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC, 'TIOCGPTPEER');
  return { master, slave, number: n.readInt32LE(0) };
}

export function setWindowSize(fd: number, rows: number, columns: number): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(rows, 0);
  ws.writeUInt16LE(columns, 2);
  ioctl(fd, TIOCSWINSZ, ws, 'TIOCSWINSZ');
}
