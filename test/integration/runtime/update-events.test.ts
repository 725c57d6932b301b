// `update` on real containers (the cgroup files follow, the next start keeps the limits) and the event log
// that `events` reads, as real runs leave it. The verbs' engine calls run in-process; containers through the CLI.
import * as fs from 'node:fs';
import { busyboxRoot, BusyboxRoot, cgroupFile, whenRunning } from './busybox-root';
import { Berth } from '../../../src/api/engine';
import { readEvents } from '../../../src/api/events/read';
import { parseEventFilters, parseEventTime } from '../../../src/api/events/filter';
import type { EventMessage } from '../../../src/api/events/record';

jest.setTimeout(300_000);

const MiB = 1024 * 1024;
let box: BusyboxRoot;
let engine: Berth;

beforeAll(async () => {
  box = await busyboxRoot();
  engine = new Berth({ root: box.root, configFile: '/nonexistent/berth-test-config.json' });
});
afterAll(async () => box?.cleanup());

const readNumber = (file: string): string => fs.readFileSync(file, 'utf8').trim();

async function collect(options: Parameters<typeof readEvents>[1]): Promise<EventMessage[]> {
  const seen: EventMessage[] = [];
  for await (const e of readEvents(engine.layout, options)) seen.push(e);
  return seen;
}

describe('update', () => {
  it('raises and lowers memory and pids of a running container; the cgroup files show it, and a restart keeps them', async () => {
    expect(box.run(['run', '-d', '--name', 'limited', '-m', '64m', '--pids-limit', '20', 'busybox', 'sleep', '600']).status).toBe(0);
    const { id } = await whenRunning(box, 'limited');
    const memory = cgroupFile(id, 'memory', 'memory.limit_in_bytes', 'memory.max');
    const pids = cgroupFile(id, 'pids', 'pids.max', 'pids.max');
    expect(readNumber(memory)).toBe(String(64 * MiB));

    await engine.containers.update('limited', { memory: 100 * MiB, pidsLimit: 50 }); // within the 128m memory+swap
    expect(readNumber(memory)).toBe(String(100 * MiB));
    expect(readNumber(pids)).toBe('50');
    await engine.containers.update('limited', { memory: 256 * MiB, memorySwap: 512 * MiB });
    expect(readNumber(memory)).toBe(String(256 * MiB));
    await engine.containers.update('limited', { memory: 32 * MiB, pidsLimit: 5 });
    expect(readNumber(memory)).toBe(String(32 * MiB));
    expect(readNumber(pids)).toBe('5');
    // Docker's refusal: more memory than the memory+swap already set, without a new --memory-swap.
    await expect(engine.containers.update('limited', { memory: 600 * MiB })).rejects.toThrow('Memory limit should be smaller than already set memoryswap limit');
    expect(readNumber(memory)).toBe(String(32 * MiB));

    expect(box.run(['stop', '-t', '1', 'limited']).status).toBe(0);
    await engine.containers.update('limited', { pidsLimit: 9 }); // stopped: only recorded
    expect(box.run(['start', 'limited']).status).toBe(0);
    await whenRunning(box, 'limited');
    expect(readNumber(memory)).toBe(String(32 * MiB));
    expect(readNumber(pids)).toBe('9');
    expect(box.run(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}', 'limited']).stdout.trim()).toBe(`${32 * MiB} 9`);
    expect(box.run(['rm', '-f', 'limited']).status).toBe(0);
  });
});

describe('events', () => {
  it('a run --rm leaves create, start, die (with its exit code) and destroy, once each; --since, --until and --filter select', async () => {
    const since = BigInt(Date.now()) * 1_000_000n;
    const run = box.run(['run', '--rm', '--name', 'brief', 'busybox', 'sh', '-c', 'exit 3']);
    expect(run.status).toBe(3);
    // The monitor removes a --rm container once the CLI has gone: wait for its destroy.
    const mine = async (): Promise<EventMessage[]> =>
      (await collect({ since, until: BigInt(Date.now()) * 1_000_000n })).filter((e) => e.Actor.Attributes.name === 'brief');
    let events: EventMessage[] = [];
    for (let i = 0; i < 100 && !events.some((e) => e.Action === 'destroy'); i++) {
      events = await mine();
      if (!events.some((e) => e.Action === 'destroy')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(events.map((e) => e.Action)).toEqual(['create', 'start', 'die', 'destroy']);
    expect(events[2].Actor.Attributes).toMatchObject({ exitCode: '3', image: 'busybox', name: 'brief' });
    expect(new Set(events.map((e) => e.Actor.ID)).size).toBe(1);

    const onlyDie = await collect({ since, until: BigInt(Date.now()) * 1_000_000n, filters: parseEventFilters(['container=brief', 'event=die']) });
    expect(onlyDie.map((e) => e.Action)).toEqual(['die']);
    // --until before the run: nothing of it.
    const before = await collect({ since: 0n, until: since - 1n, filters: parseEventFilters(['container=brief']) });
    expect(before).toEqual([]);
    // A relative --since reaches back over the run.
    const recent = await collect({ since: parseEventTime('10m'), until: BigInt(Date.now()) * 1_000_000n, filters: parseEventFilters(['container=brief']) });
    expect(recent.map((e) => e.Action)).toEqual(['create', 'start', 'die', 'destroy']);
  });

  it('a follower sees a detached container die once someone (here the follower) reconciles its exit', async () => {
    const abort = new AbortController();
    const guard = setTimeout(() => abort.abort(), 60_000);
    const seen: string[] = [];
    const following = (async () => {
      const filters = parseEventFilters(['container=bg']);
      for await (const e of readEvents(engine.layout, { filters, signal: abort.signal, pollMs: 100, onPoll: () => engine.containers.list() })) {
        seen.push(e.Action);
        if (e.Action === 'die') abort.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    expect(box.run(['run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'sleep 1; exit 7']).status).toBe(0);
    await following;
    clearTimeout(guard);
    expect(seen).toEqual(['create', 'start', 'die']);
    expect(box.run(['rm', 'bg']).status).toBe(0);
  });
});

describe('the verbs on the command line', () => {
  it('update prints each container and changes its cgroup; events prints Docker lines and JSON; bad input is one line, exit 1', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    expect(box.run(['run', '-d', '--name', 'cli-upd', '-m', '64m', 'busybox', 'sleep', '600']).status).toBe(0);
    const { id } = await whenRunning(box, 'cli-upd');
    const updated = box.run(['update', '--pids-limit', '33', 'cli-upd']);
    expect(updated).toMatchObject({ status: 0, stdout: 'cli-upd\n' });
    expect(readNumber(cgroupFile(id, 'pids', 'pids.max', 'pids.max'))).toBe('33');
    expect(box.run(['container', 'update', '-m', '1m', 'cli-upd'])).toMatchObject({ status: 1, stderr: 'Error: Minimum memory limit allowed is 6MB\n' });
    expect(box.run(['rm', '-f', 'cli-upd']).status).toBe(0);
    const until = new Date(Date.now() + 1000).toISOString();

    const lines = box.run(['events', '--since', before, '--until', until, '--filter', 'container=cli-upd']).stdout.trim().split('\n');
    const actions = lines.map((l) => l.split(' ')[2]);
    expect(actions.slice(0, 3)).toEqual(['create', 'start', 'update']);
    expect(actions).toContain('destroy');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z container create ${id} \\(image=busybox, name=cli-upd\\)$`));
    const json = box.run(['system', 'events', '--since', before, '--until', until, '--filter', 'event=update', '--format', '{{json .}}']);
    const parsed = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string } });
    expect(parsed.filter((e) => e.Actor.ID === id).map((e) => e.Action)).toEqual(['update']);
  });

  it('image events: tag, untag (named by the image ID), in Docker lines', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // after the import that made the image
    const before = new Date().toISOString();
    const id = box.run(['image', 'inspect', '-f', '{{.Id}}', 'busybox']).stdout.trim();
    expect(box.run(['tag', 'busybox', 'evbox:1']).status).toBe(0);
    expect(box.run(['rmi', 'evbox:1']).stdout).toBe('Untagged: evbox:1\n');
    const until = new Date(Date.now() + 1000).toISOString();
    const lines = box.run(['events', '--since', before, '--until', until, '--filter', 'type=image']).stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ').slice(1).join(' '))).toEqual([
      `image tag ${id} (name=evbox:1)`,
      `image untag ${id} (name=${id})`,
    ]);
  });

  it('update --restart takes effect at the running container\'s next exit', async () => {
    expect(box.run(['run', '-d', '--name', 'later', 'busybox', 'sh', '-c', 'sleep 1; exit 3']).status).toBe(0);
    await whenRunning(box, 'later');
    expect(box.run(['update', '--restart', 'on-failure:1', 'later'])).toMatchObject({ status: 0, stdout: 'later\n' });
    const restarted = async (): Promise<string> => {
      for (let i = 0; i < 150; i++) {
        const shown = box.run(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'later']).stdout.trim();
        if (shown === '1 exited') return shown;
        await new Promise((r) => setTimeout(r, 100));
      }
      return box.run(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'later']).stdout.trim();
    };
    // One restart (on-failure:1), then it stays exited with its code.
    expect(await restarted()).toBe('1 exited');
    expect(box.run(['inspect', '-f', '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}}', 'later']).stdout.trim()).toBe('3 on-failure');
    expect(box.run(['rm', 'later']).status).toBe(0);
  });
});

