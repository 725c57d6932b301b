// The launcher's code cache, across real Node processes (the cache is V8's, made in one start, taken in the next).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/tmp';
import { cachePathOf, requireWithCodeCache } from '../../../src/cli/launch';

const cliSources = path.resolve(__dirname, '../../../src/cli');

/** launch.ts and its one import transpiled into `dir`, for a plain Node to run. */
function transpileLauncher(dir: string): string {
  const ts = require('typescript') as typeof import('typescript');
  for (const name of ['launch', 'command-word']) {
    const js = ts.transpileModule(fs.readFileSync(path.join(cliSources, `${name}.ts`), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    fs.writeFileSync(path.join(dir, `${name}.js`), js);
  }
  return path.join(dir, 'launch.js');
}

/** Loads `file` with requireWithCodeCache in a fresh Node, saves its cache, and reports. */
function loadInNewNode(dir: string, file: string, cacheFile: string, prefix: string): { answer: number; fromCache: boolean } {
  const compiled = path.join(dir, 'launch.js');
  if (!fs.existsSync(compiled)) transpileLauncher(dir);
  const script = `const l = require(${JSON.stringify(compiled)});
    const m = l.requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cacheFile)}, ${JSON.stringify(prefix)});
    const answer = m.exports.answer();
    m.saveCache();
    process.stdout.write(JSON.stringify({ answer, fromCache: m.fromCache }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
}

describe('requireWithCodeCache', () => {
  const dir = tempDir('berth-launch-');
  const file = path.join(dir, 'bundle.js');
  fs.writeFileSync(file, 'exports.answer = function answer() { return [1, 2, 3].reduce((a, b) => a * 2 + b, 36) - 19; };\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('loads the file as require() would, in this process too', () => {
    const { file: cacheFile, buildPrefix } = cachePathOf(file, 'test');
    const loaded = requireWithCodeCache(file, cacheFile, buildPrefix);
    expect((loaded.exports as { answer(): number }).answer()).toBe(280);
    expect(loaded.fromCache).toBe(false);
  });

  test('the first start makes the cache, the next one takes it; a rebuild leaves it stale and removed', () => {
    const first = cachePathOf(file, 'run');
    expect(path.dirname(first.file)).toBe(path.join(dir, '.v8-cache'));
    expect(loadInNewNode(dir, file, first.file, first.buildPrefix)).toEqual({ answer: 280, fromCache: false });
    expect(fs.existsSync(first.file)).toBe(true);
    expect(loadInNewNode(dir, file, first.file, first.buildPrefix)).toEqual({ answer: 280, fromCache: true });

    // Same length, new content (as a rebuild may make): a new name, so the old code is never taken for it.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('- 19', '- 18'));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = cachePathOf(file, 'run');
    expect(second.file).not.toBe(first.file);
    expect(loadInNewNode(dir, file, second.file, second.buildPrefix)).toEqual({ answer: 281, fromCache: false });
    expect(fs.readdirSync(path.dirname(second.file))).toEqual([path.basename(second.file)]);
  });

  test('a cache that cannot be written is skipped without an error', () => {
    const blocked = path.join(dir, 'blocked');
    fs.writeFileSync(blocked, ''); // a file where the cache directory would be
    const loaded = requireWithCodeCache(file, path.join(blocked, 'x.bin'), 'x');
    expect(() => loaded.saveCache()).not.toThrow();
  });
});
