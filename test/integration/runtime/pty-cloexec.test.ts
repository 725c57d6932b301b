// The pty slave from TIOCGPTPEER is O_CLOEXEC, like every other fd src/sys/ opens: a process berth spawns holds it
// only where it was handed it. Before, every process the CLI spawned after opening a terminal kept a stray copy:
// the monitor of a -t container held the slave for good, so the terminal stayed open after the container's last
// process and `run -t` waited out the monitor's drain time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { busyboxRoot, BusyboxRoot, whenRunning } from './busybox-root';
import { openat2, close, AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_PATH } from '../../../src/sys/fs-at';
import { openPtyInRoot } from '../../../src/sys/pty';

jest.setTimeout(120_000);

/** The open-file flags of one of our fds, from /proc/self/fdinfo (octal). */
const fdFlags = (fd: number) => parseInt(/^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8);

let box: BusyboxRoot;
beforeAll(async () => {
  box = await busyboxRoot();
});
afterAll(async () => box?.cleanup());

test('openPtyInRoot: the master and the slave are both close-on-exec', () => {
  const root = openat2(AT_FDCWD, '/', { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  const pty = openPtyInRoot(root);
  try {
    expect([fdFlags(pty.master) & O_CLOEXEC, fdFlags(pty.slave) & O_CLOEXEC]).toEqual([O_CLOEXEC, O_CLOEXEC]);
  } finally {
    for (const fd of [pty.master, pty.slave, root]) close(fd);
  }
});

test('the monitor of a -t container holds the pty master, and no copy of the slave', async () => {
  expect(box.run(['run', '-d', '-t', '--name', 'tty-monitor', 'busybox', 'sleep', '60']).status).toBe(0);
  const { id } = await whenRunning(box, 'tty-monitor');
  const monitor = Number(fs.readFileSync(path.join(box.root, 'containers', id, 'monitor.pid'), 'utf8'));
  const links = fs.readdirSync(`/proc/${monitor}/fd`).map((fd) => fs.readlinkSync(`/proc/${monitor}/fd/${fd}`));
  expect(links).toContain('/dev/pts/ptmx');
  expect(links.filter((l) => /^\/dev\/pts\/\d+$/.test(l))).toEqual([]);
  box.run(['rm', '-f', 'tty-monitor']);
});
