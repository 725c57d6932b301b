/**
 * The tree writer's open directory fds by root-relative path, least
 * recently used first out: archives and walks list a directory's entries
 * together, so most parent lookups are hits. The cache owns its fds; it
 * closes each one exactly once (on eviction, replacement, forget or close).
 */
import { close } from '../sys/fs-at';

const SIZE = 64;

export class DirFdCache {
  private readonly fds = new Map<string, number>();

  /** The cached fd of `dir`, now the most recently used, or undefined. */
  get(dir: string): number | undefined {
    const fd = this.fds.get(dir);
    if (fd === undefined) return undefined;
    this.fds.delete(dir);
    this.fds.set(dir, fd);
    return fd;
  }

  /** Takes `fd` for `dir` (closing one it held for `dir` before); the oldest entry goes when full. */
  remember(dir: string, fd: number): void {
    const previous = this.fds.get(dir);
    this.fds.delete(dir);
    if (previous !== undefined && previous !== fd) close(previous);
    this.fds.set(dir, fd);
    if (this.fds.size <= SIZE) return;
    const [oldest, oldFd] = this.fds.entries().next().value as [string, number];
    this.fds.delete(oldest);
    close(oldFd);
  }

  /** Drops (and closes) the fds of `path` and everything below it. */
  forget(path: string): void {
    const prefix = `${path}/`;
    for (const [dir, fd] of this.fds) {
      if (dir === path || dir.startsWith(prefix)) {
        this.fds.delete(dir);
        close(fd);
      }
    }
  }

  close(): void {
    const fds = [...this.fds.values()];
    this.fds.clear();
    for (const fd of fds) close(fd);
  }
}
