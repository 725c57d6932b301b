// berth's help texts and usage errors against Docker's own, for every verb: the texts the Docker 28 CLI
// printed (test/fixtures/docker-help/, recorded by record.js there), with `docker` read as `berth`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { interpret, Outcome } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands';
import { CliRefusal } from '../../../src/cli/report';

interface Recorded {
  args: string[];
  status: number;
  stdout: string;
  stderr: string;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/docker-help/docker-28.json'), 'utf8')) as {
  source: string;
  help: Record<string, string>;
  errors: Recorded[];
};

/**
 * Docker's words as berth's: the command's name (not the docs URL, not "Docker Hub"), the product's name.
 * And "SRun", a typo of Docker 28's RequiresMaxArgs (cli/required.go), as "Run": docker/cli fixed it for v29.
 */
function asBerth(text: string): string {
  return text
    .replace(/(?<![./])\bdocker\b(?!\.com)/g, 'berth')
    .replace(/\bDocker\b(?! Hub)/g, 'berth')
    .replace(/\n\nSRun '/g, "\n\nRun '");
}

/** Flags berth has that the recorded help does not show, and why. */
const OWN_FLAG_TEXTS: Record<string, string> = {
  'volume prune -a, --all': "Docker 28 shows it (in these words) to daemons of API 1.42 and later; the recording's is 1.41",
};

/** Help texts whose description is berth's own, and why. */
const OWN_DESCRIPTIONS: Record<string, string> = {
  logout: 'the default server is Docker Hub, not "defined by the daemon" (berth has none)',
  'system check': 'berth only',
};

/** Every path of every verb and noun berth has: 'container ls', 'ps', 'image', ... */
function berthPaths(): string[] {
  const paths: string[] = [];
  for (const command of commands) {
    if (command.kind === 'noun') {
      paths.push(command.names[0]);
      for (const verb of command.verbs) paths.push(`${command.names[0]} ${verb.names[0]}`);
    } else {
      paths.push(command.names[0]);
    }
  }
  return paths;
}

function printed(outcome: Outcome): { status: number; stdout: string; stderr: string } {
  if (outcome.kind !== 'print') throw new Error('expected text, got a verb to run');
  return { status: outcome.exitCode, stdout: outcome.stdout ?? '', stderr: outcome.stderr ?? '' };
}

interface FlagEntry {
  head: string;
  text: string;
}

/** The Options section as entries: a line starting with `  -` opens one, the others continue it. */
function optionsOf(help: string): { before: string; flags: FlagEntry[] } {
  const at = help.indexOf('\n\nOptions:\n');
  if (at < 0) return { before: help.trimEnd(), flags: [] };
  const flags: FlagEntry[] = [];
  for (const line of help.slice(at + '\n\nOptions:\n'.length).split('\n')) {
    const opened = /^(  (?:-\S, |    )--\S+(?: \S+)?)\s{2,}(.*)$/.exec(line) ?? /^(  (?:-\S, |    )--\S+(?: \S+)?)$/.exec(line);
    if (opened) flags.push({ head: opened[1].trim(), text: opened[2] ?? '' });
    else if (line.trim() !== '') flags[flags.length - 1].text += ` ${line.trim()}`;
  }
  return { before: help.slice(0, at), flags: flags.map((f) => ({ ...f, text: f.text.replace(/\s+/g, ' ').trim() })) };
}

describe('the fixture', () => {
  it('says where it comes from', () => {
    expect(fixture.source).toMatch(/^docker CLI \/ dockerd: 28\.\d+\.\d+ \/ 20\.10\.\d+/);
  });

  it('has the help of every command berth has (but berth-only ones)', () => {
    const missing = berthPaths().filter((p) => !(p in fixture.help) && !(p in OWN_DESCRIPTIONS));
    expect(missing).toEqual([]);
  });
});

describe('berth VERB --help: Docker\'s layout', () => {
  const verbPaths = berthPaths().filter((p) => p in fixture.help && !commands.some((c) => c.kind === 'noun' && c.names[0] === p));

  test.each(verbPaths)('%s: usage, description and aliases as Docker\'s', (p) => {
    const berth = printed(interpret([...p.split(' '), '--help']));
    expect(berth.status).toBe(0);
    expect(berth.stderr).toBe('');
    const ours = optionsOf(berth.stdout);
    const docker = optionsOf(asBerth(fixture.help[p]));
    if (p in OWN_DESCRIPTIONS) expect(ours.before.split('\n')[0]).toBe(docker.before.split('\n')[0]);
    else expect(ours.before).toBe(docker.before);
  });

  test.each(verbPaths)('%s: each flag named, typed and described as Docker\'s', (p) => {
    const ours = optionsOf(printed(interpret([...p.split(' '), '--help'])).stdout).flags;
    const docker = new Map(optionsOf(asBerth(fixture.help[p])).flags.map((f) => [f.head, f.text]));
    const differing = ours.filter((f) => docker.get(f.head) !== f.text && !(`${p} ${f.head}` in OWN_FLAG_TEXTS));
    expect(differing.map((f) => ({ flag: f.head, berth: f.text, docker: docker.get(f.head) }))).toEqual([]);
  });

  test.each(verbPaths)('%s: the whole text, where berth has all of Docker\'s flags', (p) => {
    const berth = printed(interpret([...p.split(' '), '--help'])).stdout;
    const docker = asBerth(fixture.help[p]);
    const names = (help: string) => optionsOf(help).flags.map((f) => f.head).join(' ');
    if (names(berth) === names(docker) && !(p in OWN_DESCRIPTIONS)) expect(berth).toBe(docker);
  });
});

describe('berth NOUN --help and berth --help', () => {
  const nouns = commands.filter((c) => c.kind === 'noun').map((c) => c.names[0]);

  test.each(nouns)('%s: usage and description as Docker\'s; each subcommand listed as Docker lists it', (noun) => {
    const berth = printed(interpret([noun, '--help']));
    const docker = asBerth(fixture.help[noun]);
    expect(berth.stdout.split('\n\nCommands:\n')[0]).toBe(docker.split('\n\nCommands:\n')[0]);
    const dockerLines = new Set(docker.split('\n'));
    const listed = berth.stdout.split('\n').filter((l) => /^  \S/.test(l) && !l.startsWith(`  check `));
    expect(listed.filter((l) => !dockerLines.has(l))).toEqual([]);
    expect(berth.stdout.endsWith(`\n\nRun 'berth ${noun} COMMAND --help' for more information on a command.\n`)).toBe(true);
  });

  test('berth --help lists each command as Docker lists it, in its sections', () => {
    const berth = printed(interpret(['--help'])).stdout;
    const docker = asBerth(fixture.help['']);
    const section = (help: string, title: string) => help.split(`\n\n${title}:\n`)[1]?.split('\n\n')[0].split('\n') ?? [];
    expect(berth.split('\n\n')[0]).toBe(docker.split('\n\n')[0]);
    for (const title of ['Common Commands', 'Management Commands', 'Commands']) {
      const theirs = new Set(section(docker, title));
      expect(section(berth, title).filter((line) => !theirs.has(line))).toEqual([]);
    }
  });

  test('berth alone prints the help on stderr and exits 0, as does a noun alone', () => {
    const recorded = (args: string[]) => fixture.errors.find((e) => e.args.join(' ') === args.join(' '))!;
    expect(recorded([])).toMatchObject({ status: 0, stdout: '' });
    expect(printed(interpret([]))).toEqual({ status: 0, stdout: '', stderr: printed(interpret(['--help'])).stdout });
    for (const noun of nouns) {
      expect(recorded([noun])).toMatchObject({ status: 0, stdout: '' });
      expect(printed(interpret([noun]))).toEqual({ status: 0, stdout: '', stderr: printed(interpret([noun, '--help'])).stdout });
    }
  });
});

/** Refusals berth makes later than Docker's CLI, or in other words, and why (none may be a usage error). */
const NOT_COMPARED: Record<string, string> = {
  'run -it --rm busybox true': 'the stdin is a terminal or not depending on how jest runs: test/integration/cli/docker-refusals.test.ts',
  'run -t -i --rm busybox true': 'as above',
};

/** The command line run as far as it goes without the engine: its text, or the refusal its verb makes first. */
async function outcomeOf(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const outcome = interpret(args);
  if (outcome.kind === 'print') return printed(outcome);
  try {
    await outcome.run();
  } catch (err) {
    if (err instanceof CliRefusal) return { status: err.exitCode, stdout: '', stderr: `${err.message}\n` };
    throw err;
  }
  throw new Error(`berth ${args.join(' ')}: ran`);
}

describe('usage errors: Docker\'s words, streams and exit codes', () => {
  const compared = fixture.errors.filter(
    (e) => e.args.length > 0 && !/^(container|image|volume|system)$/.test(e.args.join(' '))
      && !e.stderr.includes('Error response from daemon') && !(e.args.join(' ') in NOT_COMPARED),
  );
  const known = (e: Recorded) => {
    const [word, sub] = e.args;
    const noun = commands.find((c) => c.names.includes(word));
    return noun === undefined || noun.kind === 'verb' || noun.verbs.some((v) => v.names.includes(sub)) || !/^[a-z]/.test(sub ?? '-');
  };

  test.each(compared.filter(known).map((e) => [e.args.join(' '), e] as const))('berth %s', async (_line, recorded) => {
    expect(await outcomeOf(recorded.args)).toEqual({
      status: recorded.status,
      stdout: asBerth(recorded.stdout),
      stderr: asBerth(recorded.stderr),
    });
  });
});
