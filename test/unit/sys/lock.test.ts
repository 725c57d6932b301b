// Lock files that may be removed: flock locks an inode, so a lock file is unlinked only by its holder, and a
// waiter that wakes up on an unlinked inode locks the file now at the path instead (src/sys/lock.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { buildSync } from 'esbuild';
import { FileLock } from '../../../src/sys/lock';
import { tempDir } from '../helpers/tmp';

const REPO = path.resolve(__dirname, '../../..');

/** Pids that /proc/locks shows blocked waiting for a flock (`N: -> FLOCK ...`). */
function blockedInFlock(): number[] {
  return fs
    .readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .filter((l) => /^\d+: -> FLOCK/.test(l))
    .map((l) => Number(l.split(/\s+/)[5]));
}

describe('FileLock', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'locks', 'container-x.lock');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('tryAcquireSync gets a free lock and gives undefined while another holds it', () => {
    const held = FileLock.tryAcquireSync(file)!;
    expect(held).toBeDefined();
    expect(FileLock.tryAcquireSync(file)).toBeUndefined();
    held.release();
    const again = FileLock.tryAcquireSync(file);
    expect(again).toBeDefined();
    again!.release();
  });

  test('unlinkAndRelease removes the lock file', () => {
    const held = FileLock.acquireSync(file);
    held.unlinkAndRelease();
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a polling waiter (acquire) woken by unlinkAndRelease holds the file made afresh at the path', async () => {
    const first = await FileLock.acquire(file);
    const waiting = FileLock.acquire(file);
    await new Promise((r) => setTimeout(r, 30)); // the waiter polls the old inode meanwhile
    first.unlinkAndRelease();
    const second = await waiting;
    // The waiter made the file afresh and locked that (an inode number may be reused once the old one is closed,
    // so what counts is that a newcomer finds the path locked).
    expect(fs.existsSync(file)).toBe(true);
    expect(FileLock.tryAcquireSync(file)).toBeUndefined();
    second.release();
    expect(FileLock.tryAcquireSync(file)).toBeDefined();
  });

  test('a process blocked in flock(2) on a file that is then unlinked ends up holding the file at the path', async () => {
    // acquireSync blocks in the kernel, so the waiter is another process: the lock module bundled for plain node.
    const bundle = path.join(dir, 'lock.js');
    buildSync({ entryPoints: [path.join(REPO, 'src/sys/lock.ts')], bundle: true, platform: 'node', external: ['koffi'], outfile: bundle, logLevel: 'silent' });
    const first = FileLock.acquireSync(file);
    const script = `const { FileLock } = require(${JSON.stringify(bundle)}); FileLock.acquireSync(${JSON.stringify(file)}); `
      + `process.stdout.write('locked\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
    const waiter = spawn(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') }, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      for (let i = 0; i < 500 && !blockedInFlock().includes(waiter.pid!); i++) await new Promise((r) => setTimeout(r, 20));
      expect(blockedInFlock()).toContain(waiter.pid);
      const locked = new Promise((resolve) => waiter.stdout!.once('data', resolve));
      first.unlinkAndRelease();
      await locked;
      // The waiter woke on the unlinked inode; it must have moved on to the file at the path.
      expect(fs.existsSync(file)).toBe(true);
      expect(FileLock.tryAcquireSync(file)).toBeUndefined();
    } finally {
      waiter.stdin!.end();
      await new Promise((r) => waiter.once('close', r));
    }
    const after = FileLock.tryAcquireSync(file);
    expect(after).toBeDefined();
    after!.release();
  });
});
