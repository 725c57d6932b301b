import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface LoginArgs {
  server?: string;
  username?: string;
  password?: string;
  'password-stdin'?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal; with `secret`, what is typed is not echoed. */
async function ask(question: string, secret = false): Promise<string> {
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  let muted = false;
  const internals = rl as unknown as { _writeToOutput: (s: string) => void };
  internals._writeToOutput = (s: string) => {
    if (!muted) process.stdout.write(s);
  };
  try {
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = secret; // the question itself was written synchronously above
    return await answer;
  } finally {
    rl.close();
    if (secret) process.stdout.write('\n');
  }
}

async function credentials(argv: LoginArgs): Promise<{ username: string; password: string }> {
  if (argv['password-stdin']) {
    if (argv.password !== undefined) throw new UsageError('login: --password and --password-stdin are mutually exclusive');
    if (argv.username === undefined) throw new UsageError('login: must provide --username with --password-stdin');
    return { username: argv.username, password: (await readStdin()).replace(/\r?\n$/, '') };
  }
  if (argv.password !== undefined) {
    process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  if (argv.username !== undefined && argv.password !== undefined) return { username: argv.username, password: argv.password };
  if (!process.stdin.isTTY) throw new UsageError('Cannot perform an interactive login from a non TTY device');
  const username = argv.username ?? (await ask('Username: ')).trim();
  const password = argv.password ?? (await ask('Password: ', true));
  return { username, password };
}

export const login: Verb<LoginArgs> = {
  usage: '[OPTIONS] [SERVER]',
  args: '[server]',
  long: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
  options: (flags: FlagSet) =>
    flags
      .option('username', { alias: 'u', type: 'string', describe: 'Username' })
      .option('password', { alias: 'p', type: 'string', describe: 'Password or Personal Access Token (PAT)' })
      .option('password-stdin', { type: 'boolean', describe: 'Take the Password or Personal Access Token (PAT) from stdin' }),
  async run(argv) {
    const { username, password } = await credentials(argv);
    await engineFor(argv).images.login({ server: argv.server, username, password });
    out('Login Succeeded');
  },
};
