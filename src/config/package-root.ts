/**
 * The directory of berth's package.json: native binaries live under it
 * (native/build/). Found by walking up from this module, so it is the same
 * whether berth runs from dist/ (one file per module), from a bundle, or
 * from the TypeScript sources under ts-jest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'berth') {
      cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`find berth's package.json above \`${__dirname}\`: not found`);
  }
}

/** A file under native/build/ of the package. */
export function nativeBinary(name: string): string {
  return path.join(packageRoot(), 'native', 'build', name);
}
