// The OCI runtime that the interop tests hand to podman, containerd, dockerd
// and the CRI plugin: berth-runtime once it exists, runc standing in for it
// until then (runtime-under-test.sh holds the rule; the test names say which).
//
// Engines never get the runtime itself but a wrapper named like it, which
// appends the command line it was called with (and its parent and open fds)
// to a log, then execs the runtime with the same pid and fds. The tests read
// that log to prove the engine really ran the runtime under test, and keep a
// copy in .cache/oci-interop/ (the engines' command lines of docs/runc-cli-facts.md).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const RULE_SCRIPT = path.join(__dirname, 'runtime-under-test.sh');
const REPO = path.resolve(__dirname, '../../..');
/** Where each test file leaves the command lines its engine issued. */
export const RECORD_DIR = path.join(REPO, '.cache/oci-interop');

export interface RuntimeChoice {
  /** `berth-runtime`, or the stand-in's name (`runc`). */
  name: string;
  /** The real binary. */
  binary: string;
  /** Empty for berth-runtime itself, else why another runtime stands in. */
  note: string;
  /** For test names: `berth-runtime`, or `runc (stand-in: ...)`. */
  label: string;
}

/** One call of the runtime by an engine, as the wrapper logged it. */
export interface Invocation {
  pid: number;
  /** comm of the caller: `conmon`, `containerd-shim`, `podman`, ... */
  parent: string;
  /** argv without argv[0]: global flags, the verb, its flags and operands. */
  args: string[];
  /** Open fds at the call: number to readlink target (`/dev/null`, `pipe:[..]`, ...). */
  fds: Record<string, string>;
}

export interface LoggedRuntime extends RuntimeChoice {
  /** The wrapper: what engines are told to run. */
  path: string;
  invocations(): Invocation[];
  /** Invocations whose verb (first non-flag argument after the global flags) is `verb`. */
  calls(verb: string): Invocation[];
  /** Writes the log, rendered as shell command lines, to .cache/oci-interop/NAME.txt. */
  record(name: string): void;
  cleanup(): void;
}

let chosen: RuntimeChoice | undefined;

/** The runtime under test (resolved once per process). */
export function runtimeUnderTest(): RuntimeChoice {
  if (chosen) return chosen;
  const result = spawnSync('bash', [RULE_SCRIPT], { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`choose the OCI runtime under test: ${result.stderr.trim() || `status ${result.status}`}`);
  const [name, binary, note] = result.stdout.replace(/\n$/, '').split('\t');
  chosen = { name, binary, note, label: note ? `${name} (${note})` : name };
  return chosen;
}

// Global flags that take a value, so the verb is the first word after them.
const GLOBAL_FLAGS_WITH_VALUE = new Set(['--root', '--log', '--log-format', '--criu', '--rootless']);

/** The verb of a runtime command line (`create`, `exec`, ...). */
export function verbOf(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) return a;
    if (GLOBAL_FLAGS_WITH_VALUE.has(a)) i++;
  }
  return '';
}

/** A wrapper around the runtime under test in a fresh temp dir, logging every call. */
export function loggedRuntime(): LoggedRuntime {
  const choice = runtimeUnderTest();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-oci-wrapper-'));
  const log = path.join(dir, 'argv.log');
  const wrapper = path.join(dir, path.basename(choice.binary));
  fs.writeFileSync(log, '');
  fs.writeFileSync(wrapper, wrapperScript(log, choice.binary), { mode: 0o755 });
  const invocations = (): Invocation[] => parseLog(fs.readFileSync(log, 'utf8'));
  return {
    ...choice,
    path: wrapper,
    invocations,
    calls: (verb) => invocations().filter((i) => verbOf(i.args) === verb),
    record: (name) => {
      fs.mkdirSync(RECORD_DIR, { recursive: true });
      const lines = invocations().map((i) => `# parent ${i.parent}; fds ${Object.entries(i.fds).map(([n, t]) => `${n}=${t}`).join(' ')}\n${[choice.name, ...i.args].map(shellQuote).join(' ')}\n`);
      fs.writeFileSync(path.join(RECORD_DIR, `${name}.txt`), `# ${choice.label}: the command lines ${name} issued, in order\n${lines.join('')}`);
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Bash, so it runs anywhere the runtime does. It lists its fds without
 * counting its own: 255 is bash's script fd, and the lowest free number is
 * the one the glob's directory and each $(readlink) pipe borrow.
 */
function wrapperScript(log: string, binary: string): string {
  return `#!/bin/bash
# Logs this call of the OCI runtime, then becomes it (same pid, same fds).
fds='' free=0
while [[ -h /proc/$$/fd/$free ]]; do free=$((free + 1)); done
for f in /proc/$$/fd/*; do
  n=\${f##*/}
  [[ $n == 255 || $n == "$free" ]] && continue
  fds+="fd $n $(readlink "$f")"$'\\n'
done
args=''
for a in "$@"; do args+="arg \${a//$'\\n'/\\\\n}"$'\\n'; done
printf 'call %s %s\\n%s%send\\n' "$$" "$(tr -d '\\0\\n' < /proc/$PPID/comm)" "$args" "$fds" >> ${shellQuote(log)}
exec ${shellQuote(binary)} "$@"
`;
}

function parseLog(text: string): Invocation[] {
  const out: Invocation[] = [];
  let current: Invocation | undefined;
  for (const line of text.split('\n')) {
    const call = /^call (\d+) (.*)$/.exec(line);
    if (call) current = { pid: Number(call[1]), parent: call[2], args: [], fds: {} };
    else if (current && line.startsWith('arg ')) current.args.push(line.slice(4).replace(/\\n/g, '\n'));
    else if (current && line.startsWith('fd ')) {
      const [, n, ...target] = line.split(' ');
      current.fds[n] = target.join(' ');
    } else if (current && line === 'end') {
      out.push(current);
      current = undefined;
    }
  }
  return out;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
