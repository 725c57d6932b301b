// test/fixtures/native/exe-race.c built for one test file: static, so it runs inside any container and on the host.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const SOURCE = path.resolve(__dirname, '../../fixtures/native/exe-race.c');

/** Compiles exe-race into `dir` and returns its path. */
export function buildExeRace(dir: string): string {
  const binary = path.join(dir, 'exe-race');
  const cc = spawnSync('gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', binary, SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc ${SOURCE}: ${cc.stderr}`);
  return binary;
}
