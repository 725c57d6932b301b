import { eventMatches, parseEventFilters, parseEventTime, parseGoDuration } from '../../../../src/api/events/filter';
import type { EventMessage } from '../../../../src/api/events/record';

function event(Type: EventMessage['Type'], Action: string, ID: string, Attributes: Record<string, string>): EventMessage {
  return { Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 0, timeNano: 0n };
}
const start = event('container', 'start', 'abc123', { image: 'busybox', name: 'web', tier: 'front' });
const die = event('container', 'die', 'def456', { image: 'alpine:3', name: 'db', exitCode: '1' });
const tag = event('image', 'tag', 'sha256:aaa', { name: 'busybox:latest' });
const match = (flags: string[]): string[] => [start, die, tag].filter((e) => eventMatches(e, parseEventFilters(flags))).map((e) => e.Action);

describe('events --filter', () => {
  test('values of one key are alternatives, different keys must all match', () => {
    expect(match([])).toEqual(['start', 'die', 'tag']);
    expect(match(['type=container'])).toEqual(['start', 'die']);
    expect(match(['event=start', 'event=tag'])).toEqual(['start', 'tag']);
    expect(match(['type=container', 'event=tag'])).toEqual([]);
  });

  test('container by name or ID prefix; image by the container image or the image name; label by key or key=value', () => {
    expect(match(['container=web'])).toEqual(['start']);
    expect(match(['container=def'])).toEqual(['die']);
    expect(match(['image=busybox'])).toEqual(['start', 'tag']);
    expect(match(['image=alpine:3'])).toEqual(['die']);
    expect(match(['label=tier'])).toEqual(['start']);
    expect(match(['label=tier=back'])).toEqual([]);
  });

  test("a filter without '=' is Docker's flag error (exit 125)", () => {
    expect(() => parseEventFilters(['bad'])).toThrow('invalid argument "bad" for "-f, --filter" flag: bad format of filter (expected name=value)');
  });
});

describe('--since / --until values', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  test('Unix seconds with a fraction, RFC 3339 with a zone, durations back from now, "0" as the epoch', () => {
    expect(parseEventTime('1700000000', now)).toBe(1_700_000_000_000_000_000n);
    expect(parseEventTime('1700000000.5', now)).toBe(1_700_000_000_500_000_000n);
    expect(parseEventTime('2024-01-01T11:00:00Z', now)).toBe(BigInt(Date.UTC(2024, 0, 1, 11)) * 1_000_000n);
    expect(parseEventTime('2024-01-01T11:00:00.000000123+01:00', now)).toBe(BigInt(Date.UTC(2024, 0, 1, 10)) * 1_000_000n + 123n);
    expect(parseEventTime('10m', now)).toBe(BigInt(now - 600_000) * 1_000_000n);
    expect(parseEventTime('1h30m', now)).toBe(BigInt(now - 5_400_000) * 1_000_000n);
    expect(parseEventTime('0', now)).toBe(0n);
  });

  test("garbage is Docker's error", () => {
    expect(() => parseEventTime('garbage')).toThrow('failed to parse value as time or duration: "garbage"');
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('5x')).toBeUndefined();
  });
});
