// bin/berth starts Node with `--` before berth's arguments: Node 20 reads `--env-file` anywhere in its
// argv (before any JavaScript runs: `node: /missing: not found`, exit 9), and no word of berth's may be
// taken for one of Node's options. (box().run runs bin/berth as a shell does: its `#!` line starts Node.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commands } from '../../../src/cli/commands';
import { busyboxRootPerFile } from '../runtime/busybox-root';

jest.setTimeout(300_000);

const box = busyboxRootPerFile();

const verbs = commands.flatMap((c) => (c.kind === 'verb' ? [[c.names[0]]] : c.verbs.map((v) => [c.names[0], v.names[0]])));

test.each(verbs.map((words) => [words.join(' '), words] as const))('berth %s --env-file MISSING: berth reads it, not Node', (_line, words) => {
  const result = box().run([...words, '--env-file', '/nonexistent/berth.env'], '');
  expect(result.stderr).not.toMatch(/^node: /m);
  expect(result.status).not.toBe(9);
});

test('run --env-file MISSING: Docker\'s refusal, exit 125', () => {
  const result = box().run(['run', '--rm', '--env-file', '/nonexistent/berth.env', 'busybox', 'true'], '');
  expect(result.status).toBe(125);
  expect(result.stderr).toBe("berth: open /nonexistent/berth.env: no such file or directory\n\nRun 'berth run --help' for more information\n");
});

test('run --env-file FILE: the variables reach the container', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-env-')), 'app.env');
  fs.writeFileSync(file, 'FROM_FILE=yes\n');
  const result = box().run(['run', '--rm', '--env-file', file, 'busybox', 'sh', '-c', 'echo $FROM_FILE'], '');
  expect(result).toMatchObject({ status: 0, stdout: 'yes\n', stderr: '' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test("other Node options in berth's argv are berth's too", () => {
  const result = box().run(['run', '--rm', 'busybox', 'echo', '--inspect', '--require', '/nonexistent.js', '-e', 'x'], '');
  expect(result).toMatchObject({ status: 0, stdout: '--inspect --require /nonexistent.js -e x\n' });
});
