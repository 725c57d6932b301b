/**
 * One case on one engine: its setup steps, the command, its `@pipe`; then
 * the engine put back to the starting point (no containers, no volumes, the
 * fixture images and nothing else, an empty scratch dir), so every case
 * starts from the same state on both sides.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Case } from './table';
import { type Engine, type RunResult, runEngine, runHost, withHost } from './engines';
import { applyCaseRules, IdNumbering, normalize } from './normalize';

export interface Played {
  /** Set when a setup step failed: the case's command did not run. */
  setupFailure?: string;
  result?: RunResult;
  /** Set when `@pipe` itself failed. */
  pipeFailure?: string;
}

/** What is compared: the exit code and both streams after normalisation, as lines. */
export interface View {
  exit: number | string;
  stdout: string[];
  stderr: string[];
}

export async function play(engine: Engine, c: Case): Promise<Played> {
  for (const step of c.setup) {
    const r = step.kind === 'host' ? await runHost(engine, step.shell) : await runEngine(engine, withHost(engine, step.argv));
    if (r.status !== 0) {
      return { setupFailure: `setup \`${step.shell}\` exited ${r.status}: ${(r.stderr || r.stdout).trim()}` };
    }
  }
  const result = await runEngine(engine, withHost(engine, c.argv), c.stdin);
  if (c.pipe === undefined) return { result };
  const piped = await runHost(engine, c.pipe, result.stdoutBytes);
  if (piped.status !== 0) return { result, pipeFailure: `@pipe \`${c.pipe}\` exited ${piped.status}: ${piped.stderr.trim()}` };
  return { result: { ...result, stdout: piped.stdout, stdoutBytes: piped.stdoutBytes } };
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

export function viewOf(engine: Engine, c: Case, played: Played): View {
  if (played.setupFailure) return { exit: 'setup failed', stdout: [], stderr: [played.setupFailure] };
  const r = played.result!;
  const ids = new IdNumbering(engine.ctx.images);
  const stdout = applyCaseRules(normalize(r.stdout, 'stdout', engine.ctx, ids, c.norm), c.norm);
  const stderr = applyCaseRules(normalize(r.stderr, 'stderr', engine.ctx, ids, c.norm), c.norm);
  return {
    exit: r.status,
    stdout: lines(stdout),
    stderr: played.pipeFailure ? [...lines(stderr), played.pipeFailure] : lines(stderr),
  };
}

/** Image references a reset keeps: each fixture's NAME:latest. */
export interface BaseImages {
  /** `busybox:latest` -> archive to load it from when a case removed it. */
  archives: Map<string, string>;
}

async function must(engine: Engine, argv: string[]): Promise<RunResult> {
  const r = await runEngine(engine, argv);
  if (r.status !== 0) throw new Error(`reset ${engine.name}: \`${argv.join(' ')}\` exited ${r.status}: ${r.stderr.trim()}`);
  return r;
}

function words(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** What a case may leave behind, judged from the verbs and flags of its command and setup steps. */
export interface Leftovers {
  containers: boolean;
  volumes: boolean;
  images: boolean;
}

const IMAGE_VERBS = new Set(['tag', 'commit', 'rmi', 'load', 'import', 'pull', 'build']);

export function leftoversOf(c: Case): Leftovers {
  const commands = [c.argv, ...c.setup.filter((s) => s.kind === 'engine').map((s) => s.argv)];
  const found: Leftovers = { containers: false, volumes: false, images: false };
  for (const argv of commands) {
    const [noun, verb] = argv;
    const action = ['container', 'image', 'volume'].includes(noun) ? verb : noun;
    if (action === 'run' || action === 'create') found.containers = true;
    if (noun === 'volume' || argv.some((a) => a === '-v' || a === '--volume' || a === '--mount' || a.startsWith('--mount='))) found.volumes = true;
    if (IMAGE_VERBS.has(action) || (noun === 'image' && verb === 'prune')) found.images = true;
  }
  return found;
}

/** Puts the engine back to the starting point; looks only at what the case may have left (a listing costs a CLI start). */
export async function reset(engine: Engine, base: BaseImages, left: Leftovers): Promise<void> {
  const none = Promise.resolve(undefined);
  const listing = (wanted: boolean, argv: string[], direct?: () => string[]): Promise<string[]> => {
    if (!wanted) return Promise.resolve([]);
    if (direct) return Promise.resolve(direct());
    return must(engine, argv).then((r) => words(r.stdout));
  };
  const [ids, names, images] = await Promise.all([
    listing(left.containers, ['ps', '-aq', '--no-trunc'], engine.listed?.containers),
    listing(left.volumes, ['volume', 'ls', '-q'], engine.listed?.volumes),
    left.images ? must(engine, ['images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']) : none,
  ]);
  if (ids.length > 0) await must(engine, ['rm', '-f', '-v', ...ids]);
  if (names.length > 0) await must(engine, ['volume', 'rm', '-f', ...names]);
  if (images) {
    const present = new Set<string>();
    const extra: string[] = [];
    for (const row of words(images.stdout)) {
      const [id, ref] = row.split(' ');
      if (base.archives.has(ref)) present.add(ref);
      else extra.push(ref === '<none>:<none>' ? id : ref);
    }
    if (extra.length > 0) await must(engine, ['rmi', '-f', ...extra]);
    for (const [ref, archive] of base.archives) {
      if (!present.has(ref)) await must(engine, ['load', '-q', '-i', archive]);
    }
  }
  for (const entry of fs.readdirSync(engine.ctx.host)) fs.rmSync(path.join(engine.ctx.host, entry), { recursive: true, force: true });
}
