/**
 * Docker-style per-layer progress. On a terminal every layer keeps one line
 * that is redrawn in place (`a3ed95caeb02: Downloading [=====>    ] 1.2MB/4.3MB`);
 * otherwise each status change is one plain line and byte counts are not
 * printed, as Docker does when its output is piped.
 */
export interface ProgressLine {
  id: string;
  status: string;
  current?: number;
  total?: number;
}

function bar(current: number, total: number, width = 50): string {
  const filled = Math.max(0, Math.min(width, Math.floor((current / total) * width)));
  const arrow = filled < width ? '>' : '';
  return '[' + '='.repeat(Math.max(0, filled - (arrow ? 1 : 0))) + arrow + ' '.repeat(width - filled) + ']';
}

function size(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(3).replace(/\.?0+$/, '')}${units[i]}`;
}

export class ProgressView {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly tty = Boolean(stream.isTTY)) {}

  update(line: ProgressLine): void {
    const counted = line.current !== undefined && line.total !== undefined && line.total > 0;
    if (!this.tty) {
      if (counted) return;
      this.stream.write(`${line.id}: ${line.status}\n`);
      return;
    }
    if (!this.lines.has(line.id)) this.order.push(line.id);
    const detail = counted ? ` ${bar(line.current!, line.total!)}  ${size(line.current!)}/${size(line.total!)}` : '';
    this.lines.set(line.id, `${line.id}: ${line.status}${detail}`);
    const now = Date.now();
    if (counted && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw();
  }

  private draw(): void {
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const id of this.order) text += `\x1b[2K${this.lines.get(id)}\n`;
    this.drawn = this.order.length;
    this.stream.write(text);
  }

  /** Redraws the final state once (a TTY may have skipped the last updates). */
  finish(): void {
    if (this.tty && this.order.length > 0) this.draw();
  }
}
