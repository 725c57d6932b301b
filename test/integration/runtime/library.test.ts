// The library API as an embedding program uses it: a separate Node process (the runtime steps into
// new namespaces on its main thread, which jest's worker should not do) that requires the built package.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { busyboxRoot, BusyboxRoot } from './busybox-root';

jest.setTimeout(300_000);

const PACKAGE = path.resolve(__dirname, '../../..');

let box: BusyboxRoot;
beforeAll(async () => {
  box = await busyboxRoot();
});
afterAll(async () => box?.cleanup());

/** Runs `body` (an async function's text, given `berth` and `defaultRunOptions`) and returns what it printed. */
function embedded(body: string): { status: number | null; stdout: string; stderr: string } {
  const program = `
    const { Berth, defaultRunOptions } = require(${JSON.stringify(PACKAGE)});
    const berth = new Berth({ root: ${JSON.stringify(box.root)} });
    (async () => { ${body} })().catch((err) => { console.error('failed: ' + err.message); process.exitCode = 3; });
  `;
  const result = spawnSync(process.execPath, ['-e', program], {
    encoding: 'utf8',
    env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('containers.start (attached)', () => {
  it('keeps the output of a command that exits before the caller reads it', () => {
    const result = embedded(`
      const state = await berth.containers.create({ image: 'busybox', options: { ...defaultRunOptions(), cmd: ['sh', '-c', 'echo to-out; echo to-err >&2'] }, pull: 'never' });
      const started = await berth.containers.start(state.id);
      const status = await started.exited;
      // Only now, well after the exit, does anyone read the streams.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const read = (stream) => new Promise((resolve) => { let text = ''; stream.on('data', (d) => (text += d)); stream.on('end', () => resolve(text)); });
      const [out, err] = await Promise.all([read(started.stdout), read(started.stderr)]);
      await berth.containers.remove(state.id, { force: true });
      console.log(JSON.stringify({ out, err, code: status.exitCode, stdin: started.stdin }));
    `);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Created without `interactive`: no stdin to write to.
    expect(JSON.parse(result.stdout)).toEqual({ out: 'to-out\n', err: 'to-err\n', code: 0, stdin: null });
  });

  it('feeds an interactive container through its stdin; end() closes it', () => {
    const result = embedded(`
      const state = await berth.containers.create({ image: 'busybox', options: { ...defaultRunOptions(), interactive: true, cmd: ['sh', '-c', 'tr a-z A-Z; echo closed'] }, pull: 'never' });
      const started = await berth.containers.start(state.id);
      let out = '';
      started.stdout.on('data', (d) => (out += d));
      started.stdin.write('hello ');
      started.stdin.end('there\\n');
      const status = await started.exited;
      await berth.containers.remove(state.id, { force: true });
      console.log(JSON.stringify({ out, code: status.exitCode }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ out: 'HELLO THERE\nclosed\n', code: 0 });
  });

  it('detaches, leaving the container running, and attaches again to read what it prints next', () => {
    const result = embedded(`
      const state = await berth.containers.create({ image: 'busybox', options: { ...defaultRunOptions(), interactive: true, cmd: ['sh', '-c', 'read line; echo "got $line"; exit 4'] }, pull: 'never' });
      const first = await berth.containers.start(state.id);
      first.detach();
      await first.stdout.toArray();
      const running = berth.containers.get(state.id).status;
      const again = await berth.containers.attach(state.id);
      let out = '';
      again.stdout.on('data', (d) => (out += d));
      again.stdin.write('second\\n');
      const status = await again.exited;
      await berth.containers.remove(state.id, { force: true });
      console.log(JSON.stringify({ running, out, code: status.exitCode }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ running: 'running', out: 'got second\n', code: 4 });
  });
});
