/**
 * The framing on a container's attach socket (native/berth-monitor.c is the
 * other end). Every frame is an 8-byte header, [kind, 0, 0, 0, length as a
 * big-endian u32], then `length` bytes. From the monitor: kind 1 stdout,
 * 2 stderr (Docker's stream numbers). To the monitor: 0 stdin data, 1 close
 * stdin, 2 window size (rows, columns as big-endian u16), 3 "this client
 * removes the --rm container itself". The end of the stream means the
 * container has exited and its exit is recorded.
 */
export const FRAME_HEADER = 8;
/** The monitor refuses bigger input frames. */
export const MAX_INPUT_PAYLOAD = 4096;

export const enum InputKind {
  Stdin = 0,
  CloseStdin = 1,
  Resize = 2,
  Owner = 3,
}

export type OutputStream = 'stdout' | 'stderr';

function frame(kind: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(FRAME_HEADER);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Stdin bytes, cut into frames the monitor accepts. */
export function stdinFrames(data: Buffer): Buffer {
  const frames: Buffer[] = [];
  for (let at = 0; at < data.length; at += MAX_INPUT_PAYLOAD) frames.push(frame(InputKind.Stdin, data.subarray(at, at + MAX_INPUT_PAYLOAD)));
  return Buffer.concat(frames);
}

export function closeStdinFrame(): Buffer {
  return frame(InputKind.CloseStdin, Buffer.alloc(0));
}

export function ownerFrame(): Buffer {
  return frame(InputKind.Owner, Buffer.alloc(0));
}

export function resizeFrame(rows: number, columns: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt16BE(Math.max(0, Math.min(rows, 0xffff)), 0);
  payload.writeUInt16BE(Math.max(0, Math.min(columns, 0xffff)), 2);
  return frame(InputKind.Resize, payload);
}

/** Splits the monitor's byte stream back into output chunks; bytes of a partial frame wait for the rest. */
export class OutputDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(data: Buffer, emit: (stream: OutputStream, chunk: Buffer) => void): void {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    while (this.pending.length >= FRAME_HEADER) {
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < FRAME_HEADER + length) break;
      const kind = this.pending[0];
      const chunk = this.pending.subarray(FRAME_HEADER, FRAME_HEADER + length);
      if (kind === 1 || kind === 2) emit(kind === 1 ? 'stdout' : 'stderr', chunk);
      this.pending = this.pending.subarray(FRAME_HEADER + length);
    }
  }

  /** Bytes of an unfinished frame (the stream ended inside one). */
  get leftover(): number {
    return this.pending.length;
  }
}
