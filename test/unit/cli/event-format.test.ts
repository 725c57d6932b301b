import { eventFormatter, eventLine, formatEventTime } from '../../../src/cli/output/event-format';
import type { EventMessage } from '../../../src/api/events/record';

const event: EventMessage = {
  status: 'die', id: 'abc', from: 'busybox', Type: 'container', Action: 'die',
  Actor: { ID: 'abc', Attributes: { name: 'foo', image: 'busybox', exitCode: '3' } },
  scope: 'local', time: 1704067200, timeNano: 1704067200000000042n,
};

const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'UTC';
});
afterAll(() => {
  process.env.TZ = zone;
});

describe('events output', () => {
  test("the default line: nanosecond time, type, action, actor, attributes sorted by key", () => {
    expect(eventLine(event)).toBe('2024-01-01T00:00:00.000000042Z container die abc (exitCode=3, image=busybox, name=foo)');
    expect(eventLine({ ...event, Actor: { ID: 'abc', Attributes: {} } })).toBe('2024-01-01T00:00:00.000000042Z container die abc');
    expect(eventFormatter(undefined)(event)).toBe(eventLine(event));
  });

  test('{{json .}} is the stored JSON with the exact timeNano; templates see the Go field names', () => {
    const json = eventFormatter('{{json .}}')(event);
    expect(JSON.parse(json)).toMatchObject({ status: 'die', Type: 'container', Actor: { ID: 'abc' }, time: 1704067200 });
    expect(json).toContain('"timeNano":1704067200000000042');
    expect(eventFormatter('{{.Type}} {{.Action}} {{.Actor.Attributes.exitCode}} {{.TimeNano}}')(event)).toBe('container die 3 1704067200000000042');
    expect(eventFormatter('{{.Status}}\\t{{.From}}')(event)).toBe('die\tbusybox');
  });

  test('time in the local zone carries its offset', () => {
    expect(formatEventTime(0n)).toBe('1970-01-01T00:00:00.000000000Z');
  });
});
