// The command table: each entry agrees with its verb module, and no verb module loads before its verb is used.
import type { CommandModule } from 'yargs';
import { verbTable, commands, COMMAND_TAKING_VERBS } from '../../../../src/cli/commands';
import { isCommandName } from '../../../../src/cli/main';

const entries = Object.entries(verbTable).flatMap(([noun, verbs]) =>
  Object.entries(verbs).map(([name, entry]) => [`${noun} ${name}`, entry] as const));

describe('verbTable', () => {
  test.each(entries)('%s: the module has the verb, with the args and description of the table', (_name, entry) => {
    const verb = entry.load();
    expect(typeof verb.run).toBe('function');
    expect(verb.args).toBe(entry.args);
    expect(verb.describe).toBe(entry.describe);
  });

  test('loads a verb module only when that verb is used', () => {
    jest.isolateModules(() => {
      jest.doMock('../../../../src/cli/commands/container/run', () => {
        throw new Error('container/run loaded');
      });
      const table = require('../../../../src/cli/commands') as typeof import('../../../../src/cli/commands');
      const run = table.commands.find((c) => c.command === 'run <image>') as CommandModule;
      expect(run.describe).toBe('Create and run a new container from an image');
      expect(() => table.verbTable.container.run.load()).toThrow('container/run loaded');
    });
    jest.dontMock('../../../../src/cli/commands/container/run');
  });
});

describe('commands', () => {
  const top = (word: string): CommandModule | undefined => commands.find((c) => String(c.command).split(' ')[0] === word);

  test('container verbs have both their short and `container` forms, one table entry behind both', () => {
    const container = top('container');
    expect(container).toBeDefined();
    for (const verb of ['run', 'create', 'start', 'exec', 'attach', 'logs', 'stop', 'top', 'stats']) {
      expect(top(verb)?.describe).toBe(verbTable.container[verb].describe);
    }
    expect(top('images')?.describe).toBe('List images');
    expect(top('rmi')?.command).toBe('rmi <images..>');
  });

  test('the verbs whose trailing arguments are the container command', () => {
    expect([...COMMAND_TAKING_VERBS].sort()).toEqual(['create', 'exec', 'run', 'top']);
  });

  test('isCommandName knows top-level commands and their nouns, not their subcommands alone', () => {
    expect(isCommandName('run')).toBe(true);
    expect(isCommandName('container')).toBe(true);
    expect(isCommandName('images')).toBe(true);
    expect(isCommandName('check')).toBe(false);
    expect(isCommandName('busybox')).toBe(false);
  });
});
