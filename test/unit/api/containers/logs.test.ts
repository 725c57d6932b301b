import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLogLines, parseSince, readLogs, LogEntry } from '../../../../src/api/containers/logs';

const line = (log: string, stream: 'stdout' | 'stderr', time: string) => JSON.stringify({ log, stream, time }) + '\n';

async function collect(gen: AsyncGenerator<LogEntry>): Promise<string[]> {
  const seen: string[] = [];
  for await (const e of gen) seen.push(`${e.stream}:${e.log}`);
  return seen;
}

describe('parseSince', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('reads Go durations as time ago', () => {
    expect(parseSince('10m', now)).toBe(now - 600_000);
    expect(parseSince('1h30m', now)).toBe(now - 5_400_000);
    expect(parseSince('1.5s', now)).toBe(now - 1500);
  });
  it('reads Unix seconds (with a fraction) and RFC 3339', () => {
    expect(parseSince('1714564800')).toBe(1714564800_000);
    expect(parseSince('1714564800.25')).toBe(1714564800_250);
    expect(parseSince('2024-05-01T12:00:00Z')).toBe(now);
  });
  it('refuses anything else', () => {
    expect(() => parseSince('yesterday')).toThrow('invalid value for "since"');
  });
});

describe('parseLogLines', () => {
  it("keeps Docker json-file records and skips torn or foreign lines", () => {
    const text = line('a\n', 'stdout', 't1') + '{"log":"torn' + '\n' + '{"other":1}\n' + line('b <x>\n', 'stderr', 't2');
    expect(parseLogLines(text)).toEqual([
      { log: 'a\n', stream: 'stdout', time: 't1' },
      { log: 'b <x>\n', stream: 'stderr', time: 't2' },
    ]);
  });
  it('decodes what berth-monitor escapes (\\u003c for <, control characters)', () => {
    expect(parseLogLines('{"log":"\\u003cb\\u003e\\u0001\\t\\n","stream":"stdout","time":"t"}\n')[0].log).toBe('<b>\u0001\t\n');
  });
});

describe('readLogs', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-logs-'));
    file = path.join(dir, 'x-json.log');
    fs.writeFileSync(
      file,
      line('1\n', 'stdout', '2024-05-01T12:00:00.000000001Z') + line('2\n', 'stderr', '2024-05-01T12:00:01Z') + line('3\n', 'stdout', '2024-05-01T12:00:02Z'),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives every entry, the last N with tail, and those since a time', async () => {
    expect(await collect(readLogs(file, {}, () => false))).toEqual(['stdout:1\n', 'stderr:2\n', 'stdout:3\n']);
    expect(await collect(readLogs(file, { tail: 2 }, () => false))).toEqual(['stderr:2\n', 'stdout:3\n']);
    expect(await collect(readLogs(file, { tail: 0 }, () => false))).toEqual([]);
    expect(await collect(readLogs(file, { sinceMs: Date.parse('2024-05-01T12:00:01Z') }, () => false))).toEqual(['stderr:2\n', 'stdout:3\n']);
  });

  it('is empty for a container that never logged', async () => {
    expect(await collect(readLogs(path.join(dir, 'none'), { follow: true }, () => false))).toEqual([]);
  });

  it('follows appended lines, holds back a half-written one, and ends after the last read once inactive', async () => {
    let active = true;
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of readLogs(file, { follow: true, tail: 1 }, () => active)) seen.push(e.log);
    })();
    await new Promise((r) => setTimeout(r, 150));
    fs.appendFileSync(file, line('4\n', 'stdout', '2024-05-01T12:00:03Z') + '{"log":"5\\n","str');
    await new Promise((r) => setTimeout(r, 250));
    expect(seen).toEqual(['3\n', '4\n']);
    fs.appendFileSync(file, 'eam":"stdout","time":"2024-05-01T12:00:04Z"}\n');
    active = false;
    await done;
    expect(seen).toEqual(['3\n', '4\n', '5\n']);
  });
});
