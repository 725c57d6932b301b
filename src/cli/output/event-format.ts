/**
 * `events` output as the docker CLI prints it: by default one line per event
 * (time with nanoseconds in the local zone, type, action, actor, sorted
 * attributes); `--format` runs a Go template over Docker's Message fields,
 * and `{{json .}}` prints the events-API JSON.
 */
import { EventMessage, serializeEvent } from '../../api/events/record';
import { compileTemplate } from './template';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Go's RFC3339NanoFixed (`2006-01-02T15:04:05.000000000Z07:00`) in the local time zone. */
export function formatEventTime(timeNano: bigint): string {
  const ms = Number(timeNano / 1_000_000n);
  const date = new Date(ms);
  const offsetMin = -date.getTimezoneOffset();
  const local = new Date(ms + offsetMin * 60_000);
  const nanos = String(timeNano % 1_000_000_000n).padStart(9, '0');
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${nanos}${zone}`
  );
}

/** The default line, without its newline. */
export function eventLine(event: EventMessage): string {
  const attributes = Object.keys(event.Actor.Attributes)
    .sort()
    .map((k) => `${k}=${event.Actor.Attributes[k]}`);
  const tail = attributes.length > 0 ? ` (${attributes.join(', ')})` : '';
  return `${formatEventTime(event.timeNano)} ${event.Type} ${event.Action} ${event.Actor.ID}${tail}`;
}

/** The Go struct a template sees (field names, not JSON keys). */
function templateData(event: EventMessage): Record<string, unknown> {
  return {
    Status: event.status ?? '',
    ID: event.id ?? '',
    From: event.from ?? '',
    Type: event.Type,
    Action: event.Action,
    Actor: { ID: event.Actor.ID, Attributes: event.Actor.Attributes },
    Scope: event.scope,
    Time: event.time,
    TimeNano: event.timeNano.toString(),
  };
}

/** A function from event to output line (without newline) for a --format value (undefined: the default line). */
export function eventFormatter(format: string | undefined): (event: EventMessage) => string {
  const body = format?.trim();
  if (body === undefined || body === '') return eventLine;
  // JSON of the whole message: written as stored, so timeNano keeps all its digits.
  if (body === 'json' || /^\{\{\s*json\s+\.\s*\}\}$/.test(body)) return (event) => serializeEvent(event);
  const render = compileTemplate(body.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
  return (event) => render(templateData(event));
}
