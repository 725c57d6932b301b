/**
 * The only module that loads koffi. It binds libc once, lazily, and hands
 * out typed functions; the rest of src/sys wraps them in errno-checked
 * calls. Nothing outside src/sys imports this file.
 */
import type { LibraryHandle } from 'koffi';
import { SyscallError } from '../errors/syscall-error';

type Koffi = typeof import('koffi');
/** A bound C function: called with JS values, returns the C result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KoffiFunction = (...args: any[]) => any;

let koffiModule: Koffi | undefined;
let libc: LibraryHandle | undefined;
const bound = new Map<string, KoffiFunction>();

export function koffi(): Koffi {
  // Loaded on first use: koffi costs a few ms and most commands never need it.
  if (!koffiModule) koffiModule = require('koffi') as Koffi;
  return koffiModule;
}

function library(): LibraryHandle {
  if (!libc) libc = koffi().load('libc.so.6');
  return libc;
}

/** A libc function bound from its C prototype, cached by prototype. */
export function libcFunction(prototype: string): KoffiFunction {
  let fn = bound.get(prototype);
  if (!fn) {
    fn = library().func(prototype) as KoffiFunction;
    bound.set(prototype, fn);
  }
  return fn;
}

/** errno of the last failed libc call on this thread. */
export function lastErrno(): number {
  return koffi().errno();
}

/**
 * Calls fn and throws a SyscallError naming `syscall` and `subject` when it
 * returns -1 (or a negative number, for raw syscall()).
 */
export function check(result: number, syscall: string, subject?: string): number {
  if (result < 0) throw new SyscallError(syscall, lastErrno(), subject);
  return result;
}
