/**
 * What bin/berth runs: the CLI bundle (dist/berth.js, made by `make build`)
 * loaded through V8's code cache, or dist/cli/main.js when there is no
 * bundle or it is older than the modules.
 *
 * At every start Node compiles the 1 MB bundle, then each function the
 * command calls: 50-90 ms of `berth run`. V8 can save that code and take it
 * back at the next start. A cache holds only what had been compiled when it
 * was made, so each command has its own (`run` calls other functions than
 * `ps`), made at the exit of its first successful start without one. The caches live in
 * .v8-cache/ beside the bundle, named after the bundle's size and mtime (a
 * rebuild leaves them stale; V8 itself rejects one made by another Node).
 * When that directory cannot be written (a read-only install, a user without
 * rights) the bundle loads uncached, as before.
 *
 * Only node: modules here: this runs before anything else is loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module from 'node:module';
import { commandWordOf, helpAsked } from './command-word';

interface Cli {
  main(argv: string[]): Promise<void>;
  /** Missing from a bundle made before launch.ts was. */
  isCommandName?(word: string): boolean;
}

const CACHE_DIR = '.v8-cache';

/** The cache file of `command` for this build of `bundle`, and the prefix shared by this build's caches. */
export function cachePathOf(bundle: string, command: string): { file: string; buildPrefix: string } {
  const stat = fs.statSync(bundle, { bigint: true });
  const buildPrefix = `${path.basename(bundle)}-${stat.size}-${stat.mtimeNs}-`;
  return { file: path.join(path.dirname(bundle), CACHE_DIR, `${buildPrefix}${command}.bin`), buildPrefix };
}

export interface CachedModule {
  exports: unknown;
  /** True when the code came from the cache (V8 accepted it). */
  fromCache: boolean;
  /** Writes the code compiled so far to the cache file, replacing stale caches of other builds. */
  saveCache(): void;
}

/** Loads the CommonJS file `file` as require() would, compiled with the code cache at `cacheFile` when it exists. */
export function requireWithCodeCache(file: string, cacheFile: string, buildPrefix: string): CachedModule {
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // none yet (or unreadable): compile from source
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = new Module(file, require.main);
  module.filename = file;
  const compiled = script.runInThisContext() as (...args: unknown[]) => void;
  compiled.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
    saveCache: () => writeCache(cacheFile, buildPrefix, script.createCachedData()),
  };
}

/** Atomic (a temporary sibling renamed over the target) but not fsynced: a lost cache is only made again. */
function writeCache(cacheFile: string, buildPrefix: string, data: Buffer): void {
  const dir = path.dirname(cacheFile);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(buildPrefix)) fs.rmSync(path.join(dir, name), { force: true });
    }
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o644 });
    fs.renameSync(tmp, cacheFile);
  } catch {
    // Not writable (or raced with another start's cleanup): the next start compiles from source again.
  }
}

/** The bundle, unless it is missing or older than the modules (tsc ran since, without esbuild: it is stale). */
function freshBundle(): string | undefined {
  const bundle = path.join(__dirname, '..', 'berth.js');
  try {
    return fs.statSync(bundle).mtimeMs >= fs.statSync(path.join(__dirname, 'main.js')).mtimeMs ? bundle : undefined;
  } catch {
    return undefined;
  }
}

export function launch(argv: string[]): void {
  const bundle = freshBundle();
  if (bundle === undefined) {
    void (require('./main') as Cli).main(argv);
    return;
  }
  const word = helpAsked(argv) ? undefined : commandWordOf(argv);
  const command = word !== undefined && /^[a-z]+$/.test(word) ? word : undefined; // part of a file name
  const { file, buildPrefix } = cachePathOf(bundle, command ?? 'none');
  const loaded = requireWithCodeCache(bundle, file, buildPrefix);
  const cli = loaded.exports as Cli;
  if (!loaded.fromCache && command !== undefined && cli.isCommandName?.(command)) {
    // Made from a start that went well: a usage error compiles little of what the command runs.
    process.once('exit', (code) => {
      if (code === 0) loaded.saveCache();
    });
  }
  void cli.main(argv);
}
