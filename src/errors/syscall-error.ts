import { getSystemErrorMap } from 'node:util';
import { BerthError } from './berth-error';

/**
 * A failed kernel call: names the call, its key arguments and the errno,
 * e.g. "mount `overlay` on `/var/lib/berth/x`: EINVAL (invalid argument)".
 */
export class SyscallError extends BerthError {
  readonly syscall: string;
  readonly errno: number;
  readonly errnoName: string;

  constructor(syscall: string, errno: number, subject?: string) {
    const [name, description] = describeErrno(errno);
    const what = subject ? `${syscall} ${subject}` : syscall;
    super('syscall', `${what}: ${name} (${description})`);
    this.syscall = syscall;
    this.errno = errno;
    this.errnoName = name;
  }
}

/** [symbolic name, lower-case description] for a positive errno value. */
export function describeErrno(errno: number): [string, string] {
  const entry = getSystemErrorMap().get(-errno);
  if (!entry) return [`errno ${errno}`, 'unknown error'];
  return [entry[0], entry[1].toLowerCase()];
}
