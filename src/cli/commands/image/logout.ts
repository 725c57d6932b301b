import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';

interface LogoutArgs {
  server?: string;
}

export const logout: Verb<LogoutArgs> = {
  args: '[server]',
  describe: 'Log out from a registry (Docker Hub by default)',
  options: (y: Argv) => y.positional('server', { type: 'string', describe: 'SERVER' }),
  async run(argv) {
    const { server, removed } = await engineFor(argv).images.logout(argv.server);
    out(removed ? `Removing login credentials for ${server}` : `Not logged in to ${server}`);
  },
};
