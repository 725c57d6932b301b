// rename, container prune, top, stats, version, info, system df, system prune: run for real on
// busybox containers, checked against what the host's /proc and the data root say.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { detectLayout } from '../../../src/cgroups/detect';
import { busyboxRoot, BusyboxRoot, startBerth, whenRunning, BackgroundBerth } from './busybox-root';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

/** `berth ARGS...`, expecting exit 0 and nothing on stderr; returns stdout. */
function ok(args: string[]): string {
  const result = box.run(args);
  expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: 0, stderr: '' });
  return result.stdout;
}

function idOf(name: string): string {
  return ok(['inspect', '-f', '{{.Id}}', name]).trim();
}

/** A foreground `run --name NAME busybox ARGS...` in the background of the test, once it is running. */
async function running(name: string, args: string[]): Promise<{ run: BackgroundBerth; id: string; pid: number }> {
  const run = startBerth(box.root, ['run', '--name', name, 'busybox', ...args]);
  const { id, pid } = await whenRunning(box, name);
  return { run, id, pid };
}

async function stop(container: { run: BackgroundBerth }, name: string): Promise<void> {
  box.run(['kill', name]);
  await container.run.done;
}

function removeAll(): void {
  const all = box.run(['ps', '-aq']).stdout.split('\n').filter(Boolean);
  if (all.length > 0) box.run(['rm', '-f', ...all]);
}

describe('rename', () => {
  afterEach(removeAll);

  it('renames a container, keeping its ID; the old name is gone', () => {
    ok(['create', '--name', 'before', 'busybox', 'true']);
    const id = idOf('before');
    expect(ok(['rename', 'before', 'after'])).toBe('');
    expect(idOf('after')).toBe(id);
    expect(box.run(['inspect', 'before']).status).not.toBe(0);
    expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).toBe('after');
  });

  it('refuses a name in use, the same name, and an invalid name', () => {
    ok(['create', '--name', 'one', 'busybox', 'true']);
    ok(['create', '--name', 'two', 'busybox', 'true']);
    const clash = box.run(['rename', 'one', 'two']);
    expect(clash.status).not.toBe(0);
    expect(clash.stderr).toContain('The container name "/two" is already in use');
    expect(box.run(['rename', 'one', 'one']).stderr).toContain('same name');
    expect(box.run(['rename', 'one', 'bad/name']).stderr).toContain('Invalid container name');
    expect(box.run(['rename', 'nope', 'three']).stderr).toContain('No such container: nope');
  });

  it('renames a running container, which still stops under its new name', async () => {
    const c = await running('runner', ['sleep', '30']);
    ok(['rename', 'runner', 'renamed']);
    expect(ok(['ps', '--format', '{{.Names}} {{.State}}']).trim()).toBe('renamed running');
    await stop(c, 'renamed');
    expect(ok(['inspect', '-f', '{{.State.Status}} {{.Name}}', 'renamed']).trim()).toBe('exited /renamed');
  });
});

describe('container prune', () => {
  afterEach(removeAll);

  it('removes stopped and created containers, keeps running ones', async () => {
    ok(['run', '--name', 'exited', 'busybox', 'true']);
    ok(['create', '--name', 'created', 'busybox', 'true']);
    const live = await running('live', ['sleep', '30']);
    const stopped = [idOf('exited'), idOf('created')];
    const refused = box.run(['container', 'prune']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('pass -f/--force');

    const out = ok(['container', 'prune', '-f']);
    const [head, ...rest] = out.split('\n');
    expect(head).toBe('Deleted Containers:');
    expect(rest.slice(0, 2).sort()).toEqual([...stopped].sort());
    expect(out.endsWith('\n\nTotal reclaimed space: 0B\n')).toBe(true);
    expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).toBe('live');
    expect(stopped.every((id) => !fs.existsSync(path.join(box.root, 'containers', id)))).toBe(true);
    expect(ok(['container', 'prune', '-f'])).toBe('Total reclaimed space: 0B\n');
    await stop(live, 'live');
  });

  it('counts the writable layer as reclaimed space', () => {
    ok(['run', '--name', 'writer', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/blob bs=1000 count=300 2>/dev/null']);
    expect(ok(['container', 'prune', '-f'])).toMatch(/\nTotal reclaimed space: 300kB\n$/);
  });
});

describe('top', () => {
  afterEach(removeAll);

  it('lists the container processes in ps -ef columns, with host pids', async () => {
    const c = await running('topped', ['sh', '-c', 'sleep 100 & sleep 101; true']);
    const lines = ok(['top', 'topped']).trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    const rows = lines.slice(1).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => r[r.length - 1]).sort()).toEqual(['sh -c sleep 100 & sleep 101; true', 'sleep 100', 'sleep 101']);
    const pids = rows.map((r) => Number(r[1]));
    expect(pids).toContain(c.pid);
    // Host pids: each is a live process of the host whose cgroup is the container's.
    for (const pid of pids) expect(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(c.id);
    expect(lines.join('\n')).not.toMatch(/node|jest/);
    await stop(c, 'topped');
  });

  it('passes ps options through (after the container, or after --)', async () => {
    const c = await running('topopts', ['sleep', '100']);
    for (const args of [['top', 'topopts', '-o', 'pid,comm'], ['top', 'topopts', '--', '-o', 'pid,comm']]) {
      const lines = ok(args).trimEnd().split('\n');
      expect(lines[0].split(/\s+/)).toEqual(['PID', 'COMMAND']);
      expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([[String(c.pid), 'sleep']]);
    }
    const aux = ok(['top', 'topopts', 'aux']).split('\n');
    expect(aux[0].split(/\s+/).slice(0, 3)).toEqual(['USER', 'PID', '%CPU']);
    const renamed = box.run(['top', 'topopts', '-o', 'user=PID']);
    expect(renamed.stderr).toContain('specifying "user=PID" is not allowed');
    await stop(c, 'topopts');
  });

  it('refuses a container that is not running', () => {
    ok(['create', '--name', 'idle', 'busybox', 'true']);
    const result = box.run(['top', 'idle']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`Container ${idOf('idle')} is not running`);
  });
});

describe('stats --no-stream', () => {
  afterEach(removeAll);

  it("shows Docker's columns with the cgroup's figures, a busy container's CPU % and its pids", async () => {
    const busy = await running('busy', ['sh', '-c', 'sleep 60 & while :; do :; done']);
    const idle = await running('idle', ['sleep', '60']);
    const lines = ok(['stats', '--no-stream']).trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']);
    const rows = new Map(lines.slice(1).map((l) => {
      const cells = l.split(/\s{2,}/);
      return [cells[1], cells];
    }));
    expect([...rows.keys()].sort()).toEqual(['busy', 'idle']);
    const busyRow = rows.get('busy')!;
    expect(busyRow[0]).toBe(busy.id.slice(0, 12));
    expect(parseFloat(busyRow[2])).toBeGreaterThan(10);
    expect(busyRow[3]).toMatch(/^[\d.]+(B|KiB|MiB) \/ [\d.]+(MiB|GiB|TiB)$/);
    expect(busyRow[5]).toBe('0B / 0B'); // no network: nothing but lo, which is not counted
    expect(busyRow[7]).toBe('2');
    expect(parseFloat(rows.get('idle')![2])).toBeLessThan(5);
    expect(rows.get('idle')![7]).toBe('1');
    await stop(busy, 'busy');
    await stop(idle, 'idle');
  });

  it('takes a --memory limit as LIMIT, names containers, and honours --format', async () => {
    const c = await startBerth(box.root, ['run', '--name', 'capped', '--memory', '64m', 'busybox', 'sleep', '60']);
    await whenRunning(box, 'capped');
    const line = ok(['stats', '--no-stream', '--format', '{{.Name}}|{{.MemUsage}}|{{.PIDs}}|{{.Container}}', 'capped']);
    expect(line).toMatch(/^capped\|[\d.]+(B|KiB|MiB) \/ 64MiB\|1\|capped\n$/);
    box.run(['kill', 'capped']);
    await c.done;
    // A stopped container reads as zeros.
    const zero = ok(['stats', '--no-stream', '--format', '{{.CPUPerc}} {{.MemUsage}} {{.PIDs}}', 'capped']);
    expect(zero).toBe('0.00% 0B / 0B 0\n');
    expect(box.run(['stats', '--no-stream', 'nope']).stderr).toContain('No such container: nope');
  });
});

describe('version', () => {
  it('prints client and server blocks, and renders --format', () => {
    const text = ok(['version']);
    expect(text).toMatch(new RegExp(`^Client:\\n Version: +${PACKAGE_VERSION.replace(/\./g, '\\.')}\\n Node version: +${process.version}\\n OS/Arch: +linux/`));
    expect(text).toContain('\nServer:\n Engine:\n');
    expect(text).toMatch(/ OCI runtime spec:\n {2}Version: +1\.\d+\.\d+\n/);
    expect(text).toMatch(/ docker-init:\n {2}Version: +\d+\.\d+\.\d+\n/);
    expect(ok(['version', '--format', '{{.Client.Version}}'])).toBe(`${PACKAGE_VERSION}\n`);
    expect(ok(['version', '-f', '{{.Server.Os}}/{{.Server.Arch}}'])).toMatch(/^linux\/(amd64|arm64)\n$/);
  });
});

describe('info', () => {
  afterEach(removeAll);

  it('counts containers by state and images, names the drivers, the cgroup version and the data root', async () => {
    ok(['create', '--name', 'made', 'busybox', 'true']);
    const c = await running('up', ['sleep', '60']);
    const text = ok(['info']);
    expect(text).toContain('\n Containers: 2\n  Running: 1\n  Paused: 0\n  Stopped: 1\n Images: 1\n');
    expect(text).toContain('\n Storage Driver: overlay\n Cgroup Driver: cgroupfs\n');
    expect(text).toContain(`\n Cgroup Version: ${detectLayout().version}\n`);
    expect(text).toMatch(/\n Kernel Version: \S+\n Operating System: .+\n OSType: linux\n Architecture: \S+\n CPUs: \d+\n Total Memory: [\d.]+GiB\n/);
    expect(text).toContain(`\n Berth Root Dir: ${box.root}\n`);
    expect(ok(['info', '--format', '{{.ContainersRunning}}/{{.Containers}} {{.BerthRootDir}}'])).toBe(`1/2 ${box.root}\n`);
    await stop(c, 'up');
  });
});

describe('system df and system prune', () => {
  afterEach(removeAll);

  it('df counts images, containers with their writable layers, and volumes', async () => {
    ok(['run', '--name', 'wrote', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/blob bs=1000 count=200 2>/dev/null']);
    const c = await running('active', ['sleep', '60']);
    const lines = ok(['system', 'df']).trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    expect(lines[0]).toEqual(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE']);
    expect(lines[1].slice(0, 3)).toEqual(['Images', '1', '1']);
    expect(lines[1][4]).toBe('0B (0%)');
    expect(lines[2]).toEqual(['Containers', '2', '1', '200kB', '200kB (100%)']);
    expect(lines[3]).toEqual(['Local Volumes', '0', '0', '0B', '0B']);
    expect(ok(['system', 'df', '--format', '{{.Type}}={{.TotalCount}}'])).toBe('Images=1\nContainers=2\nLocal Volumes=0\n');
    await stop(c, 'active');
  });

  it('prune removes stopped containers and dangling images; -a every unused image', async () => {
    // One tag imported twice: the first image becomes dangling.
    const dir = fs.mkdtempSync(path.join(box.root, 'tiny-'));
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
    const tar = `${dir}.tar`;
    expect(spawnSync('tar', ['-C', dir, '-cf', tar, '.']).status).toBe(0);
    ok(['import', '--change', 'CMD ["a"]', tar, 'dangle:1']);
    const dangling = ok(['inspect', '-f', '{{.Id}}', 'dangle:1']).trim();
    ok(['import', '--change', 'CMD ["b"]', tar, 'dangle:1']);
    const tagged = ok(['inspect', '-f', '{{.Id}}', 'dangle:1']).trim();
    expect(tagged).not.toBe(dangling);
    ok(['run', '--name', 'gone', 'busybox', 'true']);
    const goneId = idOf('gone');
    const c = await running('kept', ['sleep', '60']);

    expect(ok(['system', 'prune', '-f'])).toMatch(
      new RegExp(`^Deleted Containers:\\n${goneId}\\n\\nDeleted Images:\\ndeleted: ${dangling}\\n\\nTotal reclaimed space: [\\d.]+k?B\\n$`),
    );
    expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).toBe('kept');
    expect(ok(['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter(Boolean).sort()).toEqual(['busybox:latest', 'dangle:1']);

    // -a: every image no container uses; busybox stays while `kept` uses it.
    expect(ok(['system', 'prune', '-a', '-f'])).toMatch(
      // Docker's lines: the image, then each layer that went with it (its own, on top of busybox's).
      new RegExp(`^Deleted Images:\\nuntagged: dangle:1\\ndeleted: ${tagged}\\ndeleted: sha256:[0-9a-f]{64}\\n\\nTotal reclaimed space: [\\d.]+k?B\\n$`),
    );
    await stop(c, 'kept');
    expect(ok(['system', 'prune', '-a', '-f'])).toMatch(
      /^Deleted Containers:\n[0-9a-f]{64}\n\nDeleted Images:\nuntagged: busybox:latest\ndeleted: sha256:[0-9a-f]{64}\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: [\d.]+MB\n$/,
    );
    expect(ok(['images', '-q'])).toBe('');
    expect(ok(['system', 'prune', '-f'])).toBe('Total reclaimed space: 0B\n');
  });
});
