/**
 * Docker's `top CONTAINER [ps OPTIONS]`: the host's `ps` (default `-ef`)
 * run over the whole host, then cut down to the rows whose PID is in the
 * container's cgroup. Titles come from ps's header line; the last column
 * (CMD, COMMAND, ARGS) keeps its spaces.
 */
import { spawnSync } from 'node:child_process';
import { BerthError } from '../../errors/berth-error';
import { UsageError } from '../../errors/kinds';

export interface ContainerTop {
  Titles: string[];
  Processes: string[][];
}

export const DEFAULT_PS_ARGS = ['-ef'];

/** Splits on ASCII whitespace only, as Docker does (a UTF-8 command name may hold other spaces). */
function asciiFields(line: string): string[] {
  return line.split(/[ \t\n\v\f\r]+/).filter((f) => f !== '');
}

/** Docker refuses to rename a column to PID (`-o user=PID`): the rows would be matched on the wrong column. */
export function validatePsArgs(args: readonly string[]): void {
  const joined = ` ${args.join(' ')}`;
  for (const match of joined.matchAll(/\s+(\S*)=\s*(PID\S*)/g)) {
    if (match[1] !== 'pid') throw new UsageError(`top: specifying "${match[1]}=${match[2]}" is not allowed`);
  }
}

/**
 * ps output restricted to `pids`. Thread lines (`-L`, `m`) whose PID column
 * shows `-` follow the process line above them.
 */
export function parsePsOutput(output: string, pids: ReadonlySet<number>): ContainerTop {
  const lines = output.split('\n');
  const titles = asciiFields(lines[0] ?? '');
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new UsageError('top: ps output has no PID column', { hint: 'add `-o pid` (or `pid` to your -o list)' });
  const processes: string[][] = [];
  const row = (fields: string[]): string[] => [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
  let previousKept = false;
  for (const line of lines.slice(1)) {
    const fields = asciiFields(line);
    if (fields.length === 0) continue;
    const shown = fields[pidIndex];
    if (shown === '-') {
      if (previousKept) processes.push(row(fields));
      continue;
    }
    const pid = Number(shown);
    if (!Number.isInteger(pid)) throw new BerthError('top', `top: unexpected pid \`${shown}\` in ps output`);
    previousKept = pids.has(pid);
    if (previousKept) processes.push(row(fields));
  }
  return { Titles: titles, Processes: processes };
}

function runPs(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('ps', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new BerthError('top', `top: run \`ps\`: ${result.error.message}`, { cause: result.error });
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** Runs ps for the container's host pids. */
export function topOfPids(pids: readonly number[], psArgs: readonly string[] = []): ContainerTop {
  const args = psArgs.length > 0 ? [...psArgs] : DEFAULT_PS_ARGS;
  validatePsArgs(args);
  // `-q PIDS` keeps ps from reading every process of the host; some options (`f`) refuse it: then plain.
  let result = pids.length > 0 ? runPs([...args, '-q', pids.join(',')]) : { ok: false, stdout: '', stderr: '' };
  if (!result.ok) result = runPs(args);
  if (!result.ok) throw new BerthError('top', `top: ps ${args.join(' ')}: ${result.stderr.trim() || 'failed'}`);
  return parsePsOutput(result.stdout, new Set(pids));
}
