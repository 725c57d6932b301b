/**
 * Docker's detach keys: a key sequence typed into an attached terminal
 * (default Ctrl-P Ctrl-Q) that leaves the container running and ends the
 * client. Bytes that start the sequence are held back until it is clear
 * whether they complete it; if not, they go through after all.
 */
import { UsageError } from '../../errors/kinds';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** Docker's notation: comma-separated keys, each one character or `ctrl-` and one of a-z @ [ \ ] ^ _. */
export function parseDetachKeys(spec: string): Buffer {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    const lower = key.toLowerCase();
    if (lower.startsWith('ctrl-') && key.length === 6) {
      const c = lower[5];
      if (c >= 'a' && c <= 'z') bytes.push(c.charCodeAt(0) - 0x60);
      else if ('@[\\]^_'.includes(c)) bytes.push(c.charCodeAt(0) - 0x40);
      else throw invalid(spec);
    } else if (key.length === 1) {
      bytes.push(key.charCodeAt(0));
    } else {
      throw invalid(spec);
    }
  }
  return Buffer.from(bytes);
}

function invalid(spec: string): UsageError {
  return new UsageError(`Invalid detach keys (${spec}) provided`);
}

export class DetachKeyScanner {
  private matched = 0;

  constructor(private readonly sequence: Buffer) {}

  /** What to send on from `chunk`, and whether the sequence was completed (then nothing after it is sent). */
  push(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.sequence[this.matched]) {
        this.matched++;
        if (this.matched === this.sequence.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // Not the sequence after all: the held bytes go through, and this byte may start it afresh.
      for (let i = 0; i < this.matched; i++) out.push(this.sequence[i]);
      this.matched = 0;
      if (byte === this.sequence[0]) this.matched = 1;
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
