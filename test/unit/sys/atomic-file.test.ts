// writeFileAtomic never makes a directory: a late write into one another process removed (a container's, by rm)
// is a typed error, not a ghost directory holding one file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../../src/sys/atomic-file';
import { DirectoryGoneError } from '../../../src/errors/kinds';
import { tempDir } from '../helpers/tmp';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('replaces the content, leaving no temporary file', () => {
    const target = path.join(dir, 'state.json');
    writeJsonAtomic(target, { a: 1 });
    writeJsonAtomic(target, { a: 2 }, { durable: false });
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toEqual({ a: 2 });
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  test('into a removed directory: DirectoryGoneError, and the directory stays gone', () => {
    const container = path.join(dir, 'containers', 'abc');
    fs.mkdirSync(container, { recursive: true });
    fs.rmSync(container, { recursive: true });
    for (const durable of [true, false]) {
      expect(() => writeFileAtomic(path.join(container, 'state.json'), '{}', { durable })).toThrow(DirectoryGoneError);
    }
    expect(() => writeFileAtomic(path.join(container, 'state.json'), '{}')).toThrow(/^write `.*state\.json`: the directory `.*abc` does not exist/);
    expect(fs.existsSync(container)).toBe(false);
  });
});
