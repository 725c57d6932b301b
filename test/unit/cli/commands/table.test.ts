// The command table: each entry loads a verb module that declares what its help and usage errors are made
// of, and no verb module loads before its verb is used.
import { verbTable, commands, COMMON_COMMANDS } from '../../../../src/cli/commands';
import { isCommandName } from '../../../../src/cli/main';
import { argumentRule } from '../../../../src/cli/arguments';
import { FlagSet } from '../../../../src/cli/flags';
import type { VerbCommand } from '../../../../src/cli/verb';

const entries = Object.entries(verbTable).flatMap(([noun, verbs]) =>
  Object.entries(verbs).map(([name, entry]) => [`${noun} ${name}`, entry] as const));

describe('verbTable', () => {
  test.each(entries)('%s: the module has a usage line, readable arguments and flags', (_name, entry) => {
    const verb = entry.load();
    expect(typeof verb.run).toBe('function');
    expect(typeof verb.usage).toBe('string');
    expect(() => argumentRule(verb.args)).not.toThrow();
    const flags = new FlagSet();
    verb.options?.(flags);
    expect(new Set(flags.flags.map((f) => f.name)).size).toBe(flags.flags.length);
  });

  test('loads a verb module only when that verb is used', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../../src/cli/commands/container/run', () => {
        throw new Error('container/run loaded');
      });
      const table = require('../../../../src/cli/commands') as typeof import('../../../../src/cli/commands');
      const run = table.commands.find((c) => c.names[0] === 'run') as VerbCommand;
      expect(run.entry.describe).toBe('Create and run a new container from an image');
      const main = require('../../../../src/cli/main') as typeof import('../../../../src/cli/main');
      expect(main.interpret(['--help']).kind).toBe('print');
      expect(() => table.verbTable.container.run.load()).toThrow('container/run loaded');
    });
    jest.dontMock('../../../../src/cli/commands/container/run');
  });
});

describe('commands', () => {
  const top = (word: string) => commands.find((c) => c.names[0] === word);

  test('container verbs have both their short and `container` forms, one table entry behind both', () => {
    const container = top('container');
    expect(container?.kind).toBe('noun');
    for (const verb of ['run', 'create', 'start', 'exec', 'attach', 'logs', 'stop', 'top', 'stats']) {
      const short = top(verb) as VerbCommand;
      const long = container?.kind === 'noun' ? container.verbs.find((v) => v.names[0] === verb) : undefined;
      expect(short.entry).toBe(long?.entry);
    }
    expect((top('images') as VerbCommand).entry).toBe(verbTable.image.ls);
    expect((top('rmi') as VerbCommand).entry).toBe(verbTable.image.rm);
  });

  test('the common commands are all top-level verbs', () => {
    for (const word of COMMON_COMMANDS) expect(top(word)?.kind).toBe('verb');
  });

  test('isCommandName knows top-level commands and their nouns, not their subcommands alone', () => {
    expect(isCommandName('run')).toBe(true);
    expect(isCommandName('container')).toBe(true);
    expect(isCommandName('images')).toBe(true);
    expect(isCommandName('check')).toBe(false);
    expect(isCommandName('busybox')).toBe(false);
  });
});
