import { closeStdinFrame, OutputDecoder, ownerFrame, resizeFrame, stdinFrames, MAX_INPUT_PAYLOAD, FRAME_HEADER } from '../../../src/runtime/attach-protocol';

function outputFrame(kind: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(FRAME_HEADER);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('attach frames to the monitor', () => {
  it('cuts stdin into frames the monitor accepts (at most 4096 bytes each)', () => {
    const data = Buffer.alloc(MAX_INPUT_PAYLOAD * 2 + 10, 0x61);
    const frames = stdinFrames(data);
    const lengths: number[] = [];
    for (let at = 0; at < frames.length; ) {
      expect(frames[at]).toBe(0);
      expect([...frames.subarray(at + 1, at + 4)]).toEqual([0, 0, 0]);
      const length = frames.readUInt32BE(at + 4);
      lengths.push(length);
      at += FRAME_HEADER + length;
    }
    expect(lengths).toEqual([4096, 4096, 10]);
    expect(frames.length).toBe(data.length + 3 * FRAME_HEADER);
  });

  it('encodes close, owner and window size frames', () => {
    expect([...closeStdinFrame()]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect([...ownerFrame()]).toEqual([3, 0, 0, 0, 0, 0, 0, 0]);
    expect([...resizeFrame(40, 300)]).toEqual([2, 0, 0, 0, 0, 0, 0, 4, 0, 40, 1, 44]);
    expect([...resizeFrame(-1, 70000).subarray(8)]).toEqual([0, 0, 0xff, 0xff]);
  });
});

describe('OutputDecoder', () => {
  it('splits stdout and stderr frames, across chunk boundaries byte by byte', () => {
    const stream = Buffer.concat([outputFrame(1, 'hello\n'), outputFrame(2, 'oops'), outputFrame(1, ''), outputFrame(1, 'bye')]);
    const decoder = new OutputDecoder();
    const seen: string[] = [];
    for (const byte of stream) decoder.push(Buffer.from([byte]), (s, chunk) => seen.push(`${s}:${chunk.toString()}`));
    expect(seen).toEqual(['stdout:hello\n', 'stderr:oops', 'stdout:', 'stdout:bye']);
    expect(decoder.leftover).toBe(0);
  });

  it('keeps a partial frame for later and ignores unknown kinds', () => {
    const decoder = new OutputDecoder();
    const seen: string[] = [];
    const whole = Buffer.concat([outputFrame(9, 'ignored'), outputFrame(2, 'later')]);
    decoder.push(whole.subarray(0, whole.length - 2), (s, chunk) => seen.push(`${s}:${chunk.toString()}`));
    expect(seen).toEqual([]);
    expect(decoder.leftover).toBe(FRAME_HEADER + 3);
    decoder.push(whole.subarray(whole.length - 2), (s, chunk) => seen.push(`${s}:${chunk.toString()}`));
    expect(seen).toEqual(['stderr:later']);
  });
});
