/**
 * Column alignment as Docker's tables do it: Go's text/tabwriter (elastic
 * tabstops) configured as docker/cli does, `NewWriter(out, 10, 1, 3, ' ', 0)`:
 * a column is as wide as its widest cell plus 3 spaces, and at least 10.
 * Cells are tab-terminated; the text after a line's last tab is not part of
 * a column and is never padded. A column spans only consecutive lines that
 * have it, exactly as in Go.
 */

export interface TabwriterOptions {
  /** Minimal cell width, padding included. */
  minWidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
}

export const DOCKER_TABWRITER: TabwriterOptions = { minWidth: 10, padding: 3 };

/** Code points that take two terminal columns (East Asian wide and fullwidth, emoji). */
const WIDE_RANGES: ReadonlyArray<[number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function codePointWidth(cp: number): number {
  if (cp === 0x200b || (cp >= 0x300 && cp <= 0x36f) || /\p{Mn}|\p{Me}/u.test(String.fromCodePoint(cp))) return 0;
  for (const [low, high] of WIDE_RANGES) {
    if (cp < low) break;
    if (cp <= high) return 2;
  }
  return 1;
}

/** Terminal columns a string occupies (go-runewidth's StringWidth, approximately). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0) as number);
  return width;
}

/** Align tab-terminated cells the way Go's tabwriter does (space padding, left-aligned). */
export function tabwrite(text: string, options: TabwriterOptions = DOCKER_TABWRITER): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const widths: number[] = [];
  let out = '';

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const line = lines[i];
      line.forEach((cell, j) => {
        out += cell;
        if (j < widths.length) out += ' '.repeat(Math.max(widths[j] - displayWidth(cell), 0));
      });
      if (i + 1 < lines.length) out += '\n';
    }
  };

  // Go's format(): find each block of consecutive lines that have a cell in
  // this column, size the column over that block, then recurse rightwards.
  const format = (from: number, to: number): void => {
    const column = widths.length;
    let line0 = from;
    for (let cur = from; cur < to; cur++) {
      if (column >= lines[cur].length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let width = options.minWidth;
      for (; cur < to && column < lines[cur].length - 1; cur++) {
        width = Math.max(width, displayWidth(lines[cur][column]) + options.padding);
      }
      widths.push(width);
      format(line0, cur);
      widths.pop();
      line0 = cur;
    }
    writeLines(line0, to);
  };

  format(0, lines.length);
  return out;
}

/** A table with a header row, aligned as `docker ps` aligns it; every line ends with a newline. */
export function formatTable(headers: string[], rows: string[][]): string {
  const text = [headers, ...rows].map((cells) => cells.map((c) => c.replace(/[\t\n]/g, ' ')).join('\t')).join('\n');
  return tabwrite(`${text}\n`);
}
