import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { compileTemplate } from '../../output/template';
import { VersionInfo } from '../../../api/system/version';

interface VersionArgs {
  format?: string;
}

/** `Label:` padded as docker version pads it (values in one column). */
function field(indent: string, label: string, value: string): string {
  return `${indent}${`${label}:`.padEnd(20 - indent.length)}${value}`;
}

export function versionText(v: VersionInfo): string {
  const lines = [
    'Client:',
    field(' ', 'Version', v.Client.Version),
    field(' ', 'Node version', v.Client.NodeVersion),
    field(' ', 'OS/Arch', `${v.Client.Os}/${v.Client.Arch}`),
    '',
    'Server:',
  ];
  for (const component of v.Server.Components) {
    lines.push(` ${component.Name}:`, field('  ', 'Version', component.Version));
    for (const [key, value] of Object.entries(component.Details ?? {})) lines.push(field('  ', key.replace(/([a-z])([A-Z])/g, '$1 $2'), value));
    if (component.Name === 'Engine') lines.push(field('  ', 'OS/Arch', `${v.Server.Os}/${v.Server.Arch}`));
  }
  return lines.join('\n');
}

export const version: Verb<VersionArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) => formatOption(flags, { table: false, short: 'f' }),
  run(argv) {
    const info = engineFor(argv).system.version();
    out(argv.format ? compileTemplate(argv.format)(info) : versionText(info));
  },
};
