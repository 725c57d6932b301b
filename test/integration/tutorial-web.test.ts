// ../shared/TUTORIAL.md, steps 7-10, on the busybox web-server fixture
// (`httpd` in Docker Hub's image): run it detached, copy a site into
// htdocs with `cp ./`, read it from inside with exec, commit, run the
// committed image and read the same page. `-p` needs bridged networking
// (not there yet), so pages are read from inside the container.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRegistry, type TestRegistry } from './helpers/registry';
import { spawnSync } from 'node:child_process';
import { berth, BERTH_BIN, pushFixture, withTempRoot } from './helpers/fixtures';

jest.setTimeout(300_000);

describe('the tutorial: a web server with copied files, then an image of it', () => {
  let registry: TestRegistry;
  let root: string;
  let cleanup: () => Promise<void>;
  let site: string;
  let image: string;
  const run = (args: string[]) => berth(args, { root });

  beforeAll(async () => {
    registry = await startRegistry();
    await pushFixture('webserver', registry, 'httpd:latest');
    ({ root, cleanup } = await withTempRoot());
    image = `${registry.host}/httpd`;
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-site-'));
    fs.writeFileSync(path.join(site, 'index.html'), '<html>pacman</html>\n');
    fs.mkdirSync(path.join(site, 'js'));
    fs.writeFileSync(path.join(site, 'js', 'game.js'), 'console.log("waka");\n');
  });
  afterAll(async () => {
    run(['rm', '-f', 'web', 'web2']);
    await cleanup?.();
    await registry?.stop();
    if (site) fs.rmSync(site, { recursive: true, force: true });
  });

  /** The page as the container's own busybox wget sees it on 127.0.0.1:80, retrying while httpd starts. */
  function page(container: string, file: string): string {
    for (let i = 0; i < 50; i++) {
      const r = run(['exec', container, 'wget', '-qO-', `http://127.0.0.1/${file}`]);
      if (r.status === 0) return r.stdout;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
    throw new Error(`no page ${file} from ${container}`);
  }

  test('7. run the web server (detached) and read its default page', () => {
    const r = run(['run', '-d', '--name', 'web', image]);
    expect(r.stderr).toMatch(/Unable to find image/);
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(page('web', 'index.html')).toContain('It works!');
  });

  test('8. cp ./ NAME:/usr/local/apache2/htdocs copies the folder content, served at once', () => {
    // From the game's folder, as the tutorial does.
    const cp = spawnSync(process.execPath, [BERTH_BIN, '--root', root, 'cp', './', 'web:/usr/local/apache2/htdocs'], {
      cwd: site,
      encoding: 'utf8',
      env: { ...process.env, BERTH_CONFIG: '/nonexistent' },
    });
    expect(cp.stderr).toBe('');
    expect(cp.status).toBe(0);
    expect(page('web', 'index.html')).toBe('<html>pacman</html>\n');
    expect(page('web', 'js/game.js')).toBe('console.log("waka");\n');
  });

  test('9. exec -it NAME sh works (a shell inside; here non-interactive)', () => {
    const r = run(['exec', 'web', 'sh', '-c', 'ls /usr/local/apache2/htdocs']);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['index.html', 'js']));
  });

  test('10. commit NAME my_pacman:1.0, run it, the copied game is there', () => {
    const c = run(['container', 'commit', 'web', 'my_pacman:1.0']);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const r = run(['run', '-d', '--name', 'web2', 'my_pacman:1.0']);
    expect(r.status).toBe(0);
    expect(page('web2', 'index.html')).toBe('<html>pacman</html>\n');
    expect(page('web2', 'js/game.js')).toBe('console.log("waka");\n');
  });
});
