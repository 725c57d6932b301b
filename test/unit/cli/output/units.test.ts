import { humanDuration, humanSize, timeAgo } from '../../../../src/cli/output/units';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('humanSize (go-units HumanSizeWithPrecision, 3 digits as docker images)', () => {
  it.each([
    [0, '0B'],
    [1, '1B'],
    [512, '512B'],
    [999, '999B'],
    [1000, '1kB'],
    [1024, '1.02kB'],
    [4_261_000, '4.26MB'],
    [4_265_000, '4.26MB'], // 4.265 is stored just below the tie
    [1_234_567_890, '1.23GB'],
    [10_000_000, '10MB'],
    [123_456_789, '123MB'],
    [1125, '1.12kB'], // exact tie: Go rounds half to even
    [1135, '1.14kB'], // 1.135 is stored just above the tie
    [1145, '1.15kB'],
    [999_500, '1e+03kB'], // Go's %g switches to an exponent when rounding reaches 1000
    [2_000_000_000_000, '2TB'],
    [5.5e15, '5.5PB'],
  ])('%d bytes -> %s', (bytes, expected) => {
    expect(humanSize(bytes)).toBe(expected);
  });

  it('uses 4 digits as go-units HumanSize does when asked', () => {
    expect(humanSize(1024, 4)).toBe('1.024kB');
    expect(humanSize(1_048_576, 4)).toBe('1.049MB');
    expect(humanSize(2_746_000, 4)).toBe('2.746MB');
    expect(humanSize(3.42e9, 4)).toBe('3.42GB');
    expect(humanSize(5.372e12, 4)).toBe('5.372TB');
  });
});

describe('humanDuration (go-units HumanDuration)', () => {
  it.each([
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [-5 * SECOND, 'Less than a second'],
    [1 * SECOND, '1 second'],
    [5 * SECOND, '5 seconds'],
    [59 * SECOND + 999, '59 seconds'],
    [60 * SECOND, 'About a minute'],
    [119 * SECOND, 'About a minute'],
    [2 * MINUTE, '2 minutes'],
    [59 * MINUTE + 59 * SECOND, '59 minutes'],
    [60 * MINUTE, 'About an hour'],
    [89 * MINUTE, 'About an hour'],
    [90 * MINUTE, '2 hours'],
    [3 * HOUR, '3 hours'],
    [47 * HOUR, '47 hours'],
    [47 * HOUR + 31 * MINUTE, '2 days'],
    [2 * DAY, '2 days'],
    [13 * DAY, '13 days'],
    [14 * DAY, '2 weeks'],
    [21 * DAY, '3 weeks'],
    [59 * DAY, '8 weeks'],
    [60 * DAY, '2 months'],
    [364 * DAY, '12 months'],
    [729 * DAY, '24 months'],
    [730 * DAY, '2 years'],
    [3 * 365 * DAY, '3 years'],
    // go-units truncates the days, weeks, months and years (regression: berth rounded them).
    [10 * DAY + 20 * HOUR, '10 days'],
    [20 * DAY, '2 weeks'],
    [89 * DAY, '2 months'],
    [2 * 365 * DAY + 340 * DAY, '2 years'],
  ])('%d ms -> %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('timeAgo (the CREATED column)', () => {
  const now = Date.UTC(2024, 0, 10, 12, 0, 0);
  it('appends "ago"', () => {
    expect(timeAgo(now - 3 * HOUR, now)).toBe('3 hours ago');
    expect(timeAgo(new Date(now - 2 * MINUTE), new Date(now))).toBe('2 minutes ago');
    expect(timeAgo('2024-01-10T11:59:59.5Z', now)).toBe('Less than a second ago');
    expect(timeAgo(new Date(now - 2 * 365 * DAY).toISOString(), now)).toBe('2 years ago');
  });
});
