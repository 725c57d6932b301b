import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temp directory, removed after the test file's tests. */
export function tempDir(prefix = 'berth-unit-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
