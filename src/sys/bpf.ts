/**
 * bpf(2): load an eBPF program and attach it to a cgroup. berth needs only
 * BPF_PROG_TYPE_CGROUP_DEVICE (the cgroup v2 device controller); the program
 * itself is assembled by src/cgroups/v2/device-filter.ts.
 */
import * as fs from 'node:fs';
import { SyscallError } from '../errors/syscall-error';
import { koffi, lastErrno, libcFunction } from './libc';

const BPF_PROG_LOAD = 5;
const BPF_PROG_ATTACH = 8;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
export const BPF_F_ALLOW_OVERRIDE = 1;
export const BPF_F_ALLOW_MULTI = 2;

/** __NR_bpf: the glibc on our targets has no bpf() wrapper. */
function bpfSyscallNumber(): number {
  switch (process.arch) {
    case 'x64':
      return 321;
    case 'arm64':
      return 280;
    default:
      throw new SyscallError('bpf', 38 /* ENOSYS */, `on \`${process.arch}\``);
  }
}

// Prefixes of union bpf_attr for the two commands (include/uapi/linux/bpf.h).
let types: { load: unknown; attach: unknown } | undefined;
function attrTypes(): { load: unknown; attach: unknown } {
  if (!types) {
    const k = koffi();
    types = {
      load: k.struct('berth_bpf_prog_load_attr', {
        prog_type: 'uint32',
        insn_cnt: 'uint32',
        insns: 'void *',
        license: 'const char *',
        log_level: 'uint32',
        log_size: 'uint32',
        log_buf: 'void *',
        kern_version: 'uint32',
        prog_flags: 'uint32',
        prog_name: k.array('char', 16),
        prog_ifindex: 'uint32',
        expected_attach_type: 'uint32',
      }),
      attach: k.struct('berth_bpf_prog_attach_attr', {
        target_fd: 'uint32',
        attach_bpf_fd: 'uint32',
        attach_type: 'uint32',
        attach_flags: 'uint32',
        replace_bpf_fd: 'uint32',
      }),
    };
  }
  return types;
}

function bpf(cmd: number, attrType: string, attr: object, size: number): number {
  const syscall = libcFunction('long syscall(long number, ...)');
  return Number(syscall(bpfSyscallNumber(), 'int', cmd, `${attrType} *`, attr, 'uint', size));
}

const LOG_SIZE = 64 * 1024;

/**
 * BPF_PROG_LOAD: returns the program's fd. On a verifier rejection the
 * error carries the start of the verifier log.
 */
export function bpfProgLoad(progType: number, instructions: Buffer, license: string, name: string, expectedAttachType = 0): number {
  attrTypes();
  const log = Buffer.alloc(LOG_SIZE);
  const attr = {
    prog_type: progType,
    insn_cnt: instructions.length / 8,
    insns: instructions,
    license,
    log_level: 1,
    log_size: LOG_SIZE,
    log_buf: log,
    kern_version: 0,
    prog_flags: 0,
    prog_name: name.slice(0, 15),
    prog_ifindex: 0,
    expected_attach_type: expectedAttachType,
  };
  const fd = bpf(BPF_PROG_LOAD, 'berth_bpf_prog_load_attr', attr, 72);
  if (fd < 0) {
    const errno = lastErrno();
    const verifier = log.toString('utf8', 0, Math.max(0, log.indexOf(0))).trim().split('\n').slice(-3).join(' | ');
    throw new SyscallError('bpf BPF_PROG_LOAD', errno, `\`${name}\`${verifier ? ` (verifier: ${verifier})` : ''}`);
  }
  return fd;
}

/** BPF_PROG_ATTACH of program `progFd` to the cgroup open at `cgroupFd`. */
export function bpfProgAttach(cgroupFd: number, progFd: number, attachType: number, flags: number, subject: string): void {
  attrTypes();
  const attr = { target_fd: cgroupFd, attach_bpf_fd: progFd, attach_type: attachType, attach_flags: flags, replace_bpf_fd: 0 };
  if (bpf(BPF_PROG_ATTACH, 'berth_bpf_prog_attach_attr', attr, 20) < 0) {
    throw new SyscallError('bpf BPF_PROG_ATTACH', lastErrno(), subject);
  }
}

/**
 * Loads a BPF_PROG_TYPE_CGROUP_DEVICE program and attaches it to the cgroup
 * directory `cgroupDir`. Without BPF_F_ALLOW_MULTI the attachment replaces
 * the one a previous call made, so applying rules twice leaves one filter.
 * The attachment keeps the program alive: both fds are closed here.
 */
export function attachDeviceFilter(cgroupDir: string, instructions: Buffer): void {
  const progFd = bpfProgLoad(BPF_PROG_TYPE_CGROUP_DEVICE, instructions, 'Apache', 'berth_devices', BPF_CGROUP_DEVICE);
  try {
    const dirFd = fs.openSync(cgroupDir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      bpfProgAttach(dirFd, progFd, BPF_CGROUP_DEVICE, 0, `device filter to \`${cgroupDir}\``);
    } finally {
      fs.closeSync(dirFd);
    }
  } finally {
    fs.closeSync(progFd);
  }
}
