import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';

interface LogoutArgs {
  server?: string;
}

export const logout: Verb<LogoutArgs> = {
  usage: '[SERVER]',
  args: '[server]',
  long: 'Log out from a registry.\nIf no server is specified, the default is Docker Hub.',
  async run(argv) {
    const { server, removed } = await engineFor(argv).images.logout(argv.server);
    out(removed ? `Removing login credentials for ${server}` : `Not logged in to ${server}`);
  },
};
