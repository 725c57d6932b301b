import { deviceFilterProgram } from '../../../../src/cgroups/v2/device-filter';
import type { DeviceRule } from '../../../../src/cgroups/manager';

/** One instruction as 16 hex digits: code, dst|src<<4, off (LE16), imm (LE32). */
function hex(program: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < program.length; i += 8) out.push(program.subarray(i, i + 8).toString('hex'));
  return out;
}

const PROLOGUE = [
  '6112000000000000', // r2 = *(u32 *)(r1 + 0)
  '54020000ffff0000', // w2 &= 0xffff          (device type)
  '6113000000000000', // r3 = *(u32 *)(r1 + 0)
  '7403000010000000', // w3 >>= 16             (access)
  '6114040000000000', // r4 = *(u32 *)(r1 + 4) (major)
  '6115080000000000', // r5 = *(u32 *)(r1 + 8) (minor)
];

const rule = (allow: boolean, type: DeviceRule['type'], major: number | '*', minor: number | '*', access = 'rwm'): DeviceRule => ({
  allow, type, major, minor, access,
});

describe('deviceFilterProgram', () => {
  test('deny all + allow c 1:3 rwm: the allow block, then the deny-all verdict ends the program', () => {
    expect(hex(deviceFilterProgram([rule(false, 'a', '*', '*'), rule(true, 'c', 1, 3)]))).toEqual([
      ...PROLOGUE,
      '5502040002000000', // if r2 != CHAR goto +4
      '5504030001000000', // if r4 != 1 goto +3
      '5505020003000000', // if r5 != 3 goto +2
      'b400000001000000', // w0 = 1
      '9500000000000000', // exit
      'b400000000000000', // w0 = 0 (the `a` rule)
      '9500000000000000', // exit
    ]);
  });

  test('partial access and wildcard minor: allow needs every asked bit; no `a` rule means deny by default', () => {
    expect(hex(deviceFilterProgram([rule(true, 'c', 136, '*', 'rw')]))).toEqual([
      ...PROLOGUE,
      '5502060002000000', // if r2 != CHAR goto +6
      'bc31000000000000', // w1 = w3
      '5401000006000000', // w1 &= READ|WRITE
      '5d31030000000000', // if r1 != r3 goto +3 (asked for more than granted)
      '5504020088000000', // if r4 != 136 goto +2
      'b400000001000000',
      '9500000000000000',
      'b400000000000000', // default: deny
      '9500000000000000',
    ]);
  });

  test('rules are checked last first; a deny rule hits any access bit it names; block devices use type 1', () => {
    const program = hex(deviceFilterProgram([rule(true, 'b', 8, 0, 'rwm'), rule(false, 'b', 8, 0, 'w')]));
    expect(program.slice(6)).toEqual([
      '5502070001000000', // deny b 8:0 w comes first: if r2 != BLOCK goto +7
      'bc31000000000000',
      '5401000004000000', // w1 &= WRITE
      '1501040000000000', // if r1 == 0 goto +4 (asks nothing denied)
      '5504030008000000', // if r4 != 8 goto +3
      '5505020000000000', // if r5 != 0 goto +2
      'b400000000000000', // w0 = 0
      '9500000000000000',
      '5502040001000000', // then allow b 8:0 rwm
      '5504030008000000',
      '5505020000000000',
      'b400000001000000',
      '9500000000000000',
      'b400000000000000',
      '9500000000000000',
    ]);
  });

  test('rules before an `a` rule are unreachable and left out (the verifier rejects dead code)', () => {
    const program = hex(deviceFilterProgram([rule(true, 'c', 1, 3), rule(true, 'a', '*', '*')]));
    expect(program).toEqual([...PROLOGUE, 'b400000001000000', '9500000000000000']);
  });

  test('invalid rules are refused', () => {
    expect(() => deviceFilterProgram([rule(true, 'c', -1, 3)])).toThrow(/major and minor must be/);
    expect(() => deviceFilterProgram([rule(true, 'c', 1, 3, '')])).toThrow(/access must be/);
    expect(() => deviceFilterProgram([{ ...rule(true, 'c', 1, 3), type: 'x' as 'c' }])).toThrow(/type must be/);
  });
});
