// diff, commit and export against real containers (root): the writable
// layer of a container that added, changed and deleted files (real overlayfs
// whiteouts and an opaque directory), listed as Docker 20.10 lists it,
// committed into an image that runs, saves, loads; exported whole; and the
// tutorial flow with the webserver fixture.
//
// The three verbs run here in this process, read by the CLI's own parser
// (main.ts interpret), exactly as the CLI would; everything else runs bin/berth.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tar from 'tar-stream';
import { interpret } from '../../../src/cli/main';
import { BusyboxRoot, busyboxRoot, startBerth, whenRunning, inspect, until } from './busybox-root';
import { berth, withTempRoot } from '../helpers/berth';
import { fixtureLayout, FIXTURE_TAG } from '../helpers/fixtures';
import { startRegistry } from '../helpers/registry';

jest.setTimeout(300_000);

const EMPTY_TAR_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

/** Runs one of the verbs as `berth --root ROOT NAME ARGS...` and returns its stdout. */
async function verb(root: string, name: string, args: string[]): Promise<string> {
  const outcome = interpret(['--root', root, '--config', '/nonexistent/berth-test-config.json', name, ...args]);
  if (outcome.kind !== 'run') throw new Error(`berth ${name} ${args.join(' ')}: ${outcome.stderr ?? outcome.stdout}`);
  let stdout = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  try {
    await outcome.run();
  } finally {
    write.mockRestore();
  }
  return stdout;
}

async function tarNames(file: string): Promise<Map<string, string>> {
  const extract = tar.extract();
  fs.createReadStream(file).pipe(extract);
  const names = new Map<string, string>();
  for await (const entry of extract) {
    let body = '';
    for await (const chunk of entry) body += (chunk as Buffer).toString();
    names.set(entry.header.name, body);
  }
  return names;
}

function ok(box: BusyboxRoot, args: string[]): string {
  const result = box.run(args);
  if (result.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

const CHANGES = [
  'echo new > /new.txt',
  'echo x >> /etc/passwd',
  'rm /bin/ls',
  'rm -r /home',
  'rm -r /usr',
  'mkdir /usr',
  'echo z > /usr/z',
  'mkdir -p /var/log/sub',
  'chmod 700 /var/spool',
].join('; ');

describe('diff, commit, export', () => {
  let box: BusyboxRoot;
  let scratch: string;

  beforeAll(async () => {
    box = await busyboxRoot();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-commit-'));
    ok(box, ['run', '--name', 'changed', 'busybox', 'sh', '-c', CHANGES]);
  });
  afterAll(async () => {
    await box?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('diff lists A/C/D as Docker 20.10 does: whiteouts D, the opaque /usr C with its image entries D', async () => {
    // Docker 20.10 (overlay2) printed the same set for the same script; berth sorts each directory's entries.
    expect((await verb(box.root, 'diff', ['changed'])).split('\n').filter(Boolean)).toEqual([
      'C /bin',
      'D /bin/ls',
      'C /etc',
      'C /etc/passwd',
      'A /new.txt',
      'C /usr',
      'A /usr/z',
      'D /usr/bin',
      'D /usr/local',
      'D /usr/sbin',
      'C /var',
      'C /var/log',
      'A /var/log/sub',
      'C /var/spool',
      'D /home',
    ]);
  });

  test('commit makes an image that runs with the changes and without the deleted files', async () => {
    const id = await verb(box.root, 'commit', ['-m', 'msg', '-a', 'Tester <t@example.com>', '-c', 'CMD ["cat","/new.txt"]', 'changed', 'img:1']);
    expect(id).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(ok(box, ['run', '--rm', 'img:1'])).toBe('new\n');
    const probe = 'test -e /bin/ls; echo ls=$?; test -e /home; echo home=$?; ls /usr; tail -n1 /etc/passwd; stat -c %a /var/spool';
    expect(ok(box, ['run', '--rm', 'img:1', 'sh', '-c', probe])).toBe('ls=1\nhome=1\nz\nx\n700\n');
    expect(ok(box, ['image', 'inspect', '-f', '{{.Id}}', 'img:1']).trim()).toBe(id.trim());
    const history = ok(box, ['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'img:1']).split('\n');
    expect(history[0]).toBe(`${['sh', '-c', CHANGES].join(' ')}|msg`);
    const config = JSON.parse(ok(box, ['image', 'inspect', 'img:1']))[0];
    expect(config.Author).toBe('Tester <t@example.com>');
    expect(config.Config.Cmd).toEqual(['cat', '/new.txt']);
    expect(config.RootFS.Layers).toHaveLength(2);
  });

  test('the committed image saves and loads into a fresh root', async () => {
    const archive = path.join(scratch, 'img.tar');
    ok(box, ['save', '-o', archive, 'img:1']);
    const fresh = await withTempRoot();
    try {
      const loaded = berth(['load', '-i', archive], { root: fresh.root });
      expect(loaded.stderr).toBe('');
      expect(loaded.stdout).toContain('img:1');
      const run = berth(['run', '--rm', 'img:1'], { root: fresh.root });
      expect(run).toMatchObject({ status: 0, stdout: 'new\n' });
    } finally {
      await fresh.cleanup();
    }
  });

  test('the committed image pushes to a registry and pulls back into a fresh root', async () => {
    const registry = await startRegistry({ auth: 'none' });
    const fresh = await withTempRoot();
    try {
      const remote = `${registry.host}/committed/img:1`;
      ok(box, ['tag', 'img:1', remote]);
      ok(box, ['push', remote]);
      expect(berth(['pull', remote], { root: fresh.root }).status).toBe(0);
      expect(berth(['run', '--rm', remote], { root: fresh.root })).toMatchObject({ status: 0, stdout: 'new\n' });
    } finally {
      await fresh.cleanup();
      await registry.stop();
    }
  });

  test('export writes the merged filesystem: added files in, deleted files out', async () => {
    const file = path.join(scratch, 'export.tar');
    await verb(box.root, 'export', ['-o', file, 'changed']);
    const names = await tarNames(file);
    expect(names.get('new.txt')).toBe('new\n');
    expect(names.get('usr/z')).toBe('z\n');
    expect(names.get('etc/passwd')).toMatch(/\nx\n$/);
    expect(names.has('bin/sh')).toBe(true);
    expect(names.has('bin/ls')).toBe(false);
    expect(names.has('home/')).toBe(false);
    expect([...names.keys()].filter((n) => n.startsWith('usr/'))).toEqual(['usr/', 'usr/z']);
    expect([...names.keys()].some((n) => n.includes('.wh.'))).toBe(false);
  });

  test('an unchanged container still commits a layer: the empty tar, as with Docker', async () => {
    ok(box, ['run', '--name', 'same', 'busybox', 'true']);
    expect(await verb(box.root, 'diff', ['same'])).toBe('');
    await verb(box.root, 'commit', ['same', 'same:1']);
    const layers = JSON.parse(ok(box, ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'same:1'])) as string[];
    expect(layers).toHaveLength(2);
    expect(layers[1]).toBe(EMPTY_TAR_DIFF_ID);
  });

  test('a running container is frozen while committed and runs on after', async () => {
    const bg = startBerth(box.root, ['run', '--name', 'live', 'busybox', 'sh', '-c', 'echo live > /live.txt; while true; do echo t >> /tick; sleep 0.1; done']);
    try {
      const { id } = await whenRunning(box, 'live');
      // The file is written by the container's shell right after it starts.
      await until('/live.txt in the writable layer', () => (fs.existsSync(path.join(box.root, 'containers', id, 'upper', 'live.txt')) ? true : undefined));
      expect((await verb(box.root, 'diff', ['live'])).split('\n')).toContain('A /live.txt');
      await verb(box.root, 'commit', ['live', 'live:1']);
      expect(inspect(box, 'live', '{{.State.Status}}')).toBe('running');
      // Thawed: the container goes on writing.
      const tick = path.join(box.root, 'containers', id, 'upper', 'tick');
      const before = fs.statSync(tick).size;
      await until('the container to write again after commit', () => (fs.statSync(tick).size > before ? true : undefined), 10_000, 100);
      expect(ok(box, ['run', '--rm', 'live:1', 'cat', '/live.txt'])).toBe('live\n');
    } finally {
      box.run(['kill', 'live']);
      await bg.done;
    }
  });

  test('tutorial: a page written into the webserver, committed as my_pacman:1.0, served by the new image', async () => {
    const archive = path.join(scratch, 'webserver.tar');
    const copied = spawnSync('skopeo', ['copy', '--insecure-policy', '--quiet', `oci:${fixtureLayout('webserver')}:${FIXTURE_TAG}`, `docker-archive:${archive}:webserver:latest`], {
      encoding: 'utf8',
    });
    expect(copied.stderr).toBe('');
    ok(box, ['load', '-i', archive]);
    ok(box, ['run', '--name', 'web', 'webserver', 'sh', '-c', 'echo page > /usr/local/apache2/htdocs/game.html']);
    expect((await verb(box.root, 'diff', ['web'])).split('\n').filter(Boolean)).toEqual([
      'C /usr',
      'C /usr/local',
      'C /usr/local/apache2',
      'C /usr/local/apache2/htdocs',
      'A /usr/local/apache2/htdocs/game.html',
    ]);
    await verb(box.root, 'commit', ['web', 'my_pacman:1.0']);
    const serve = 'httpd -p 80 -h /usr/local/apache2/htdocs && sleep 0.3 && wget -qO- http://127.0.0.1/game.html';
    expect(ok(box, ['run', '--rm', 'my_pacman:1.0', 'sh', '-c', serve])).toBe('page\n');
    // As with Docker, the image takes the container's command (no -c CMD given) and keeps the rest of the config.
    const config = JSON.parse(ok(box, ['image', 'inspect', '-f', '{{json .Config}}', 'my_pacman:1.0'])) as Record<string, unknown>;
    expect(config).toMatchObject({
      Cmd: ['sh', '-c', 'echo page > /usr/local/apache2/htdocs/game.html'],
      WorkingDir: '/usr/local/apache2',
      ExposedPorts: { '80/tcp': {} },
    });
  });
});
