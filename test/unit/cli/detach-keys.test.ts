import { DetachKeyScanner, parseDetachKeys, DEFAULT_DETACH_KEYS } from '../../../src/cli/output/detach-keys';

describe('parseDetachKeys', () => {
  it("reads Docker's notation", () => {
    expect([...parseDetachKeys(DEFAULT_DETACH_KEYS)]).toEqual([16, 17]);
    expect([...parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-_')]).toEqual([0x61, 0, 27, 31]);
    expect([...parseDetachKeys('ctrl-A')]).toEqual([1]);
  });

  it.each(['ctrl-1', 'ab', '', 'ctrl-', 'a,,b'])('refuses %j', (spec) => {
    expect(() => parseDetachKeys(spec)).toThrow(`Invalid detach keys (${spec}) provided`);
  });
});

describe('DetachKeyScanner', () => {
  const scan = (chunks: string[]) => {
    const scanner = new DetachKeyScanner(parseDetachKeys(DEFAULT_DETACH_KEYS));
    const sent: string[] = [];
    for (const chunk of chunks) {
      const { forward, detach } = scanner.push(Buffer.from(chunk, 'latin1'));
      sent.push(forward.toString('latin1'));
      if (detach) return { sent: sent.join(''), detached: true };
    }
    return { sent: sent.join(''), detached: false };
  };

  it('detaches on the sequence, even split across reads, sending what came before', () => {
    expect(scan(['ls\x10\x11rest'])).toEqual({ sent: 'ls', detached: true });
    expect(scan(['ab\x10', '\x11'])).toEqual({ sent: 'ab', detached: true });
  });

  it('passes held bytes through when the sequence breaks off', () => {
    expect(scan(['\x10x'])).toEqual({ sent: '\x10x', detached: false });
    expect(scan(['\x10', 'y'])).toEqual({ sent: '\x10y', detached: false });
    // Ctrl-P Ctrl-P Ctrl-Q: the first is sent, the next two detach.
    expect(scan(['\x10\x10\x11'])).toEqual({ sent: '\x10', detached: true });
  });
});
