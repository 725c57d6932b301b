// A commit that dies while it holds a running container frozen (root):
// kill -9 leaves the freeze on record, and the next command that acts on
// the container thaws it; SIGINT and SIGTERM thaw before the commit dies.
// The window is found, not timed: the container's writable layer holds
// 64 MB of random bytes (seconds of gzip), and the test polls the cgroup's
// freezer until it reads frozen, then signals the commit. After a kill -9
// each test checks the container is still frozen, so a commit that finished
// first fails the test instead of passing it unseen.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BusyboxRoot, busyboxRoot, cgroupFile, startBerth, until, whenRunning } from './busybox-root';
import { berth, BerthResult } from '../helpers/berth';

jest.setTimeout(300_000);

const NAME = 'frozen';
/** Bounds each command: before the fix, exec and stop of the frozen container hang. */
const COMMAND_TIMEOUT_MS = 30_000;

function run(box: BusyboxRoot, args: string[]): BerthResult {
  return berth(args, { root: box.root, timeoutMs: COMMAND_TIMEOUT_MS });
}

function ok(box: BusyboxRoot, args: string[]): string {
  const result = run(box, args);
  if (result.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** The file that freezes the container's cgroup: v1 freezer.state, v2 cgroup.freeze. */
function freezerFile(id: string): string {
  return cgroupFile(id, 'freezer', 'freezer.state', 'cgroup.freeze');
}

/** True while the container's cgroup is frozen (v1 freezer.state, v2 cgroup.events). */
function isFrozen(id: string): boolean {
  const file = freezerFile(id);
  if (file.endsWith('freezer.state')) return fs.readFileSync(file, 'utf8').trim() !== 'THAWED';
  return /^frozen 1$/m.test(fs.readFileSync(path.join(path.dirname(file), 'cgroup.events'), 'utf8'));
}

function layerWorkFiles(box: BusyboxRoot): string[] {
  const tmp = path.join(box.root, 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((n) => n.startsWith('layer-')) : [];
}

/**
 * Starts `commit NAME`, waits until the container is frozen (and `also` holds), sends `signal` to the CLI;
 * resolves with its result.
 */
async function signalCommitWhileFrozen(box: BusyboxRoot, id: string, signal: NodeJS.Signals, also = () => true): Promise<BerthResult> {
  expect(isFrozen(id)).toBe(false);
  const commit = startBerth(box.root, ['commit', NAME, 'frozen-img:1']);
  let finished = false;
  void commit.done.then(() => (finished = true));
  await until('the commit to freeze the container', () => ((isFrozen(id) && also()) || finished ? true : undefined), 60_000, 10);
  if (finished) throw new Error(`commit ended before it was signalled: ${(await commit.done).stderr}`);
  commit.child.kill(signal);
  return commit.done;
}

/** kill -9 of a commit in its freeze; the container is left frozen by it (checked). */
async function killCommitWhileFrozen(box: BusyboxRoot, id: string, also?: () => boolean): Promise<void> {
  const result = await signalCommitWhileFrozen(box, id, 'SIGKILL', also);
  expect(result.status).toBe(137);
  expect(isFrozen(id)).toBe(true); // the case under test: frozen, and nobody left to thaw it
}

describe('a commit killed while it holds the container frozen', () => {
  let box: BusyboxRoot;
  let id: string;

  async function startContainer(): Promise<void> {
    ok(box, ['start', NAME]);
    id = (await whenRunning(box, NAME)).id;
  }

  beforeAll(async () => {
    box = await busyboxRoot();
    ok(box, ['create', '--name', NAME, 'busybox', 'sh', '-c', 'test -e /big || head -c 64000000 /dev/urandom > /big; touch /ready; exec sleep 100000']);
    await startContainer();
    await until('the container to fill its writable layer', () => (fs.existsSync(path.join(box.root, 'containers', id, 'upper', 'ready')) ? true : undefined), 120_000, 200);
  });
  beforeEach(async () => {
    // Each test starts from a running, thawed container, whatever the test before it left (a failed one, or
    // the sweep test, which leaves the freeze to this cleanup).
    if (!fs.existsSync(freezerFile(id))) return;
    if (isFrozen(id)) fs.writeFileSync(freezerFile(id), freezerFile(id).endsWith('freezer.state') ? 'THAWED' : '0');
    if (run(box, ['inspect', '-f', '{{.State.Status}}', NAME]).stdout.trim() === 'exited') await startContainer();
  });
  afterAll(async () => {
    await box?.cleanup();
  });

  test('kill -9 of commit: ps and inspect show the container running, never paused', async () => {
    await killCommitWhileFrozen(box, id);
    expect(ok(box, ['inspect', '-f', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', NAME]).trim()).toBe('running false true');
    const status = ok(box, ['ps', '--format', '{{.Names}} {{.Status}}']).trim();
    expect(status).toMatch(/^frozen Up /);
    expect(status).not.toContain('Paused');
    expect(isFrozen(id)).toBe(true); // reads change nothing
    ok(box, ['exec', NAME, 'true']);
  });

  test('kill -9 of commit, then exec: the container is thawed and the command runs', async () => {
    await killCommitWhileFrozen(box, id);
    expect(run(box, ['exec', NAME, 'echo', 'thawed'])).toMatchObject({ status: 0, stdout: 'thawed\n' });
    expect(isFrozen(id)).toBe(false);
  });

  test('kill -9 of commit, then unpause: thawed, exit 0, and a second unpause says it is not paused', async () => {
    await killCommitWhileFrozen(box, id);
    expect(run(box, ['unpause', NAME])).toMatchObject({ status: 0, stdout: `${NAME}\n` });
    expect(isFrozen(id)).toBe(false);
    const again = run(box, ['unpause', NAME]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^Error: .*is not paused\n/);
  });

  test("kill -9 of commit, then pause and unpause: the user's pause is a pause, and unpause ends it", async () => {
    await killCommitWhileFrozen(box, id);
    ok(box, ['pause', NAME]);
    expect(ok(box, ['inspect', '-f', '{{.State.Status}}', NAME]).trim()).toBe('paused');
    expect(isFrozen(id)).toBe(true);
    ok(box, ['unpause', NAME]);
    expect(isFrozen(id)).toBe(false);
    expect(ok(box, ['exec', NAME, 'echo', 'ok'])).toBe('ok\n');
  });

  test('a commit of a paused container leaves it paused (a pause is not a commit freeze)', async () => {
    ok(box, ['pause', NAME]);
    // Not frozen by the commit: the commit runs to its end.
    const small = ok(box, ['commit', '-c', 'CMD ["true"]', NAME, 'paused-img:1']);
    expect(small).toMatch(/^sha256:/);
    expect(ok(box, ['inspect', '-f', '{{.State.Status}}', NAME]).trim()).toBe('paused');
    expect(isFrozen(id)).toBe(true);
    ok(box, ['unpause', NAME]);
    expect(isFrozen(id)).toBe(false);
  });

  test('kill -9 of commit, then kill: SIGKILL is delivered and the container exits 137', async () => {
    await killCommitWhileFrozen(box, id);
    expect(run(box, ['kill', NAME])).toMatchObject({ status: 0, stdout: `${NAME}\n` });
    expect(ok(box, ['wait', NAME]).trim()).toBe('137');
    await startContainer();
  });

  test('kill -9 of commit, then stop: the container stops', async () => {
    await killCommitWhileFrozen(box, id);
    const stopped = run(box, ['stop', '-t', '1', NAME]);
    expect(stopped).toMatchObject({ status: 0, stdout: `${NAME}\n` });
    expect(ok(box, ['inspect', '-f', '{{.State.Status}}', NAME]).trim()).toBe('exited');
    await startContainer();
  });

  test("kill -9 of commit: its tmp/layer-* work file is swept by the next command that sweeps pull's work files", async () => {
    await killCommitWhileFrozen(box, id, () => layerWorkFiles(box).length > 0);
    expect(layerWorkFiles(box)).not.toEqual([]);
    // import sweeps the store's work files first, as pull, load and commit do.
    const tar = path.join(box.root, 'empty.tar');
    fs.writeFileSync(tar, Buffer.alloc(1024));
    ok(box, ['import', tar, 'empty:1']);
    expect(layerWorkFiles(box)).toEqual([]);
  });

  test('SIGINT of commit (Ctrl-C): the container is thawed before the commit dies of it', async () => {
    const result = await signalCommitWhileFrozen(box, id, 'SIGINT');
    expect(result.status).toBe(130);
    expect(result.stderr).toBe('');
    expect(isFrozen(id)).toBe(false);
    expect(fs.existsSync(path.join(box.root, 'containers', id, 'commit-freeze.json'))).toBe(false);
    expect(ok(box, ['exec', NAME, 'echo', 'ok'])).toBe('ok\n');
  });

  test('SIGTERM of commit: the container is thawed before the commit dies of it', async () => {
    const result = await signalCommitWhileFrozen(box, id, 'SIGTERM');
    expect(result.status).toBe(143);
    expect(isFrozen(id)).toBe(false);
  });

  test('kill -9 of commit, then rm -f: the container is removed with its cgroup', async () => {
    await killCommitWhileFrozen(box, id);
    expect(run(box, ['rm', '-f', NAME])).toMatchObject({ status: 0, stdout: `${NAME}\n` });
    expect(run(box, ['inspect', NAME]).status).toBe(1);
    expect(fs.existsSync(freezerFile(id))).toBe(false);
  });
});
