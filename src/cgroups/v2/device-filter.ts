/**
 * The cgroup v2 device controller is an eBPF program
 * (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the cgroup. This file assembles
 * it from device rules, as raw instructions; it is pure (src/sys/bpf.ts
 * loads and attaches it).
 *
 * Semantics match what the v1 manager writes (deny all, then each rule):
 * the LAST rule matching an access decides, and nothing matching means
 * deny. So rules are emitted in reverse order, each block returning its
 * verdict on a match, and an `a` rule (every device) ends the program.
 *
 * The kernel passes struct bpf_cgroup_dev_ctx in R1:
 *   u32 access_type  = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*
 *   u32 major, u32 minor
 * and denies the access (EPERM) when the program returns 0.
 */
import type { DeviceRule } from '../manager';
import { validateDeviceRule } from '../device-rules';

// struct bpf_insn: u8 code; u8 dst:4, src:4; s16 off; s32 imm (little-endian).
const INSN_SIZE = 8;

// Opcodes (class | op | source), from include/uapi/linux/bpf.h and bpf_common.h.
const LDX_MEM_W = 0x61; // BPF_LDX | BPF_MEM | BPF_W
const ALU32_AND_K = 0x54; // BPF_ALU | BPF_AND | BPF_K
const ALU32_RSH_K = 0x74; // BPF_ALU | BPF_RSH | BPF_K
const ALU32_MOV_K = 0xb4; // BPF_ALU | BPF_MOV | BPF_K
const ALU32_MOV_X = 0xbc; // BPF_ALU | BPF_MOV | BPF_X
const JMP_JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JMP_JNE_K = 0x55; // BPF_JMP | BPF_JNE | BPF_K
const JMP_JNE_X = 0x5d; // BPF_JMP | BPF_JNE | BPF_X
const JMP_EXIT = 0x95; // BPF_JMP | BPF_EXIT

const DEV_BLOCK = 1; // BPF_DEVCG_DEV_BLOCK
const DEV_CHAR = 2; // BPF_DEVCG_DEV_CHAR
const ACC_MKNOD = 1; // BPF_DEVCG_ACC_MKNOD
const ACC_READ = 2; // BPF_DEVCG_ACC_READ
const ACC_WRITE = 4; // BPF_DEVCG_ACC_WRITE
const ACC_ALL = ACC_MKNOD | ACC_READ | ACC_WRITE;

// Registers: R1 ctx (then scratch), R2 device type, R3 access, R4 major, R5 minor, R0 verdict.
const R0 = 0;
const R1 = 1;
const R2 = 2;
const R3 = 3;
const R4 = 4;
const R5 = 5;

interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

/** A jump whose offset is filled in once its block's length is known. */
const NEXT_BLOCK = Symbol('next block');
type Draft = Omit<Insn, 'off'> & { off: number | typeof NEXT_BLOCK };

function insn(code: number, dst: number, src: number, off: number | typeof NEXT_BLOCK, imm: number): Draft {
  return { code, dst, src, off, imm };
}

/** Loads type, access, major and minor into R2..R5. */
function prologue(): Draft[] {
  return [
    insn(LDX_MEM_W, R2, R1, 0, 0),
    insn(ALU32_AND_K, R2, 0, 0, 0xffff),
    insn(LDX_MEM_W, R3, R1, 0, 0),
    insn(ALU32_RSH_K, R3, 0, 0, 16),
    insn(LDX_MEM_W, R4, R1, 4, 0),
    insn(LDX_MEM_W, R5, R1, 8, 0),
  ];
}

function verdict(allow: boolean): Draft[] {
  return [insn(ALU32_MOV_K, R0, 0, 0, allow ? 1 : 0), insn(JMP_EXIT, 0, 0, 0, 0)];
}

function accessBits(access: string): number {
  let bits = 0;
  if (access.includes('m')) bits |= ACC_MKNOD;
  if (access.includes('r')) bits |= ACC_READ;
  if (access.includes('w')) bits |= ACC_WRITE;
  return bits;
}

/** Checks for one c/b rule, each jumping to the next block on a mismatch, then the verdict. */
function ruleBlock(rule: DeviceRule): Insn[] {
  const draft: Draft[] = [insn(JMP_JNE_K, R2, 0, NEXT_BLOCK, rule.type === 'b' ? DEV_BLOCK : DEV_CHAR)];
  const access = accessBits(rule.access);
  if (access !== ACC_ALL) {
    draft.push(insn(ALU32_MOV_X, R1, R3, 0, 0), insn(ALU32_AND_K, R1, 0, 0, access));
    // An allow rule covers a request only when it grants every bit asked;
    // a deny rule hits a request that asks for any bit it denies.
    if (rule.allow) draft.push(insn(JMP_JNE_X, R1, R3, NEXT_BLOCK, 0));
    else draft.push(insn(JMP_JEQ_K, R1, 0, NEXT_BLOCK, 0));
  }
  if (rule.major !== '*') draft.push(insn(JMP_JNE_K, R4, 0, NEXT_BLOCK, rule.major));
  if (rule.minor !== '*') draft.push(insn(JMP_JNE_K, R5, 0, NEXT_BLOCK, rule.minor));
  draft.push(...verdict(rule.allow));
  return resolve(draft);
}

function resolve(draft: Draft[]): Insn[] {
  return draft.map((d, index) => ({ ...d, off: d.off === NEXT_BLOCK ? draft.length - 1 - index : d.off }));
}

/** The instructions of the device filter for `rules` (see the file comment for semantics). */
export function deviceFilterInstructions(rules: readonly DeviceRule[]): Insn[] {
  const program = resolve(prologue());
  for (const rule of [...rules].reverse()) {
    validateDeviceRule(rule);
    if (rule.type === 'a') {
      // Matches everything: whatever comes after it would be unreachable,
      // which the verifier rejects.
      return [...program, ...resolve(verdict(rule.allow))];
    }
    program.push(...ruleBlock(rule));
  }
  return [...program, ...resolve(verdict(false))];
}

/** The program as the bytes BPF_PROG_LOAD takes. */
export function deviceFilterProgram(rules: readonly DeviceRule[]): Buffer {
  const instructions = deviceFilterInstructions(rules);
  const bytes = Buffer.alloc(instructions.length * INSN_SIZE);
  instructions.forEach((i, n) => {
    const at = n * INSN_SIZE;
    bytes.writeUInt8(i.code, at);
    bytes.writeUInt8((i.src << 4) | i.dst, at + 1);
    bytes.writeInt16LE(i.off, at + 2);
    bytes.writeInt32LE(i.imm, at + 4);
  });
  return bytes;
}
