/**
 * Relays a container's pty master to this process's terminal: keystrokes
 * in (raw mode, so Ctrl-C reaches the container as a byte and its line
 * discipline turns it into SIGINT), output out, window size changes
 * forwarded. Resolves once the container's side has closed.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';

export interface TerminalRelay {
  /** Resolves when the container's output has ended (slave side closed). */
  done: Promise<void>;
  stop(): void;
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(fd, data, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

export function relayTerminal(master: number, options: { input: boolean; resize: (rows: number, columns: number) => void }): TerminalRelay {
  const output = new tty.ReadStream(master);
  const done = new Promise<void>((resolve) => {
    output.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    // EIO once the last slave fd closed: the container is gone.
    output.on('error', () => resolve());
    output.on('end', () => resolve());
    output.on('close', () => resolve());
  });
  const stdin = process.stdin;
  const raw = options.input && stdin.isTTY;
  const onInput = (chunk: Buffer) => writeAll(master, chunk);
  if (options.input) {
    if (raw) stdin.setRawMode(true);
    stdin.on('data', onInput);
    stdin.resume();
  }
  const onResize = () => options.resize(process.stdout.rows, process.stdout.columns);
  if (process.stdout.isTTY) process.stdout.on('resize', onResize);
  return {
    done,
    stop() {
      if (options.input) {
        stdin.off('data', onInput);
        if (raw) stdin.setRawMode(false);
        stdin.pause();
      }
      process.stdout.off('resize', onResize);
      output.destroy();
    },
  };
}
