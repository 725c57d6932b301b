/**
 * A client of a container's attach socket (`run` in the foreground,
 * `start -a`, `attach`, the library's start): the container's output as
 * two streams, its stdin as a writable, window size changes. Framing in
 * attach-protocol.ts; the server is berth-monitor.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { closeStdinFrame, OutputDecoder, ownerFrame, resizeFrame, stdinFrames } from './attach-protocol';
import { BerthError } from '../errors/berth-error';
import { ExitCode } from '../errors/exit-codes';

/** sun_path holds 108 bytes with the NUL. */
const SOCKET_PATH_MAX = 107;

/**
 * Where a container's monitor listens: under the data root (not the bundle: unix socket paths are short).
 * A long data root falls back to a shorter name; one too long for any is refused.
 */
export function attachSocketPath(sockets: string, id: string): string {
  for (const name of [id, id.slice(0, 24)]) {
    const candidate = path.join(sockets, `${name}.sock`);
    if (Buffer.byteLength(candidate) <= SOCKET_PATH_MAX) return candidate;
  }
  throw new BerthError('socket-path', `start container: the data root \`${path.dirname(sockets)}\` is too long for a unix socket path under it`, {
    hint: 'use a data root (--root) of at most 70 bytes',
    exitCode: ExitCode.RuntimeFailure,
  });
}

export interface Attachment {
  stdout: Readable;
  /** Empty for a container with a terminal (the pty merges both). */
  stderr: Readable;
  /** The container's stdin: dropped by the monitor unless the container keeps stdin open (-i). end() closes it. */
  stdin: Writable;
  resize(rows: number, columns: number): void;
  /** Tells the monitor that this client removes a --rm container itself once it has exited. */
  claimRemoval(): void;
  /** Resolves when the monitor ends the stream (the container exited; its exit is recorded) or the client detaches. */
  ended: Promise<void>;
  /** Leaves the container running. */
  detach(): void;
}

export function connectAttach(socketPath: string): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path: socketPath });
    socket.once('error', (err) => reject(new BerthError('attach', `attach: cannot reach the container's monitor at \`${socketPath}\`: ${err.message}`, { exitCode: ExitCode.RuntimeFailure })));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(attachmentOn(socket));
    });
  });
}

function attachmentOn(socket: net.Socket): Attachment {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const decoder = new OutputDecoder();
  socket.on('data', (data: Buffer) => {
    decoder.push(data, (stream, chunk) => {
      const target = stream === 'stdout' ? stdout : stderr;
      // A slow reader slows the socket, and so the container: nothing is dropped.
      if (!target.write(chunk)) {
        socket.pause();
        target.once('drain', () => socket.resume());
      }
    });
  });
  const ended = new Promise<void>((resolve) => {
    const finish = () => {
      stdout.end();
      stderr.end();
      resolve();
    };
    socket.once('close', finish);
    socket.on('error', () => undefined); // a reset ends the stream like a close
  });
  const send = (frame: Buffer, done?: (err?: Error | null) => void) => {
    if (socket.destroyed || !socket.writable) return done?.();
    socket.write(frame, (err) => done?.(err ? null : undefined)); // the container may be gone: not the writer's error
  };
  const stdin = new Writable({
    write(chunk: Buffer, _encoding, done) {
      send(stdinFrames(chunk), done);
    },
    final(done) {
      send(closeStdinFrame(), done);
    },
  });
  return {
    stdout,
    stderr,
    stdin,
    resize: (rows, columns) => send(resizeFrame(rows, columns)),
    claimRemoval: () => send(ownerFrame()),
    ended,
    detach: () => socket.destroy(),
  };
}
