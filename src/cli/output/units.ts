/**
 * Human-readable sizes and durations exactly as Docker prints them
 * (github.com/docker/go-units: HumanSizeWithPrecision and HumanDuration).
 */
import { formatGoG } from './go-fmt';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/**
 * Decimal size with `precision` significant digits, formatted like Go's
 * `%.*g`: '4.26MB', '1.23GB', '512B', '0B', '1e+03kB' (sic, Go's own quirk
 * for 999.6 kB). The CLI's tables (`docker images`, `docker ps -s`) use 3
 * digits; go-units' HumanSize uses 4.
 */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return formatGoG(size, precision) + DECIMAL_UNITS[unit];
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units BytesSize: binary units, 4 significant digits ('1.5MiB', '7.637GiB'), as `stats` and `info` print memory. */
export function humanBinarySize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return formatGoG(size, 4) + BINARY_UNITS[unit];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/** Go's int(float64(d)/float64(unit) + 0.5). */
function roundTo(ms: number, unit: number): number {
  return Math.trunc(ms / unit + 0.5);
}

/**
 * go-units HumanDuration for a duration in milliseconds: 'Less than a
 * second', '1 second', '5 seconds', 'About a minute', '2 minutes', 'About
 * an hour', '3 hours', '2 days', '3 weeks', '2 months', '2 years'.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  // Days, weeks, months divide the rounded hours, truncating; years the unrounded ones (go-units' own mix).
  const hours = roundTo(ms, HOUR);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < (2 * WEEK) / HOUR) return `${Math.trunc(hours / 24)} days`;
  if (hours < (2 * MONTH) / HOUR) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < (2 * YEAR) / HOUR) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / HOUR) / 24 / 365)} years`;
}

/** The CREATED column: humanDuration(now - then) + ' ago'. */
export function timeAgo(then: Date | number | string, now: Date | number = Date.now()): string {
  const start = new Date(then).getTime();
  const end = typeof now === 'number' ? now : now.getTime();
  return `${humanDuration(end - start)} ago`;
}
