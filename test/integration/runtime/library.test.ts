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

describe('containers.start with piped stdio', () => {
  it('keeps the output of a command that exits before the caller reads it', () => {
    const result = embedded(`
      const state = await berth.containers.create({ image: 'busybox', options: { ...defaultRunOptions(), cmd: ['sh', '-c', 'echo to-out; echo to-err >&2'] }, pull: 'never' });
      const started = await berth.containers.start(state.id, { stdio: ['ignore', 'pipe', 'pipe'], parentDeath: true });
      const status = await started.exited;
      // Only now, well after the exit, does anyone read the streams.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const read = (stream) => new Promise((resolve) => { let text = ''; stream.on('data', (d) => (text += d)); stream.on('end', () => resolve(text)); });
      const [out, err] = await Promise.all([read(started.stdout), read(started.stderr)]);
      await berth.containers.remove(state.id, { force: true });
      console.log(JSON.stringify({ out, err, code: status.exitCode }));
    `);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ out: 'to-out\n', err: 'to-err\n', code: 0 });
  });

  it('gives null streams for stdio that is not piped', () => {
    const result = embedded(`
      const state = await berth.containers.create({ image: 'busybox', options: { ...defaultRunOptions(), cmd: ['true'] }, pull: 'never' });
      const started = await berth.containers.start(state.id, { stdio: ['ignore', 'ignore', 'ignore'], parentDeath: true });
      const status = await started.exited;
      await berth.containers.remove(state.id, { force: true });
      console.log(JSON.stringify({ stdout: started.stdout, stderr: started.stderr, code: status.exitCode }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ stdout: null, stderr: null, code: 0 });
  });
});
