// Runs a command on a real pseudo-terminal: util-linux's `script` gives it a
// controlling terminal of a set size, the test types into it and reads the screen.
import { spawn } from 'node:child_process';

export interface TerminalRun {
  /** Everything the terminal showed, with \r removed. */
  screen: string;
  status: number | null;
}

export interface TerminalOptions {
  rows?: number;
  cols?: number;
  /** Typed one by one, 400 ms apart, starting 1.5 s after the start. */
  lines?: string[];
  env?: NodeJS.ProcessEnv;
}

export function shellWord(a: string): string {
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

/** `argv` under `script -qefc` on a ROWSxCOLS terminal (default 30x100). */
export function underTerminal(argv: string[], opts: TerminalOptions = {}): Promise<TerminalRun> {
  const command = [`stty rows ${opts.rows ?? 30} cols ${opts.cols ?? 100};`, 'exec', ...argv.map(shellWord)].join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: opts.env ?? process.env });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
  const lines = opts.lines ?? [];
  let i = 0;
  const typeNext = () => {
    if (i < lines.length) {
      child.stdin.write(lines[i++]);
      setTimeout(typeNext, 400);
    }
  };
  setTimeout(typeNext, 1500);
  return new Promise((resolve) => child.on('close', (status) => resolve({ screen: screen.replace(/\r/g, ''), status })));
}
