import * as path from 'node:path';

/** The paths under a data root. One place, so nothing guesses a path. */
export class DataRoot {
  constructor(readonly root: string) {}

  get blobs(): string { return path.join(this.root, 'blobs'); }
  get images(): string { return path.join(this.root, 'images'); }
  get layers(): string { return path.join(this.root, 'layers'); }
  get containers(): string { return path.join(this.root, 'containers'); }
  get volumes(): string { return path.join(this.root, 'volumes'); }
  get tmp(): string { return path.join(this.root, 'tmp'); }
  /** The monitors' attach sockets (short paths: a unix socket path has at most 107 bytes). */
  get sockets(): string { return path.join(this.root, 'sockets'); }
  get locks(): string { return path.join(this.root, 'locks'); }
  get authFile(): string { return path.join(this.root, 'auth.json'); }
  get repositoriesFile(): string { return path.join(this.root, 'images', 'repositories.json'); }
  lock(name: string): string { return path.join(this.locks, `${name}.lock`); }
}
