import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { compileTemplate } from '../../output/template';
import { humanBinarySize } from '../../output/units';
import { SystemInfo } from '../../../api/system/system';

interface InfoArgs {
  format?: string;
}

export function infoText(i: SystemInfo): string {
  return [
    'Server:',
    ` Containers: ${i.Containers}`,
    `  Running: ${i.ContainersRunning}`,
    `  Paused: ${i.ContainersPaused}`,
    `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`,
    ` Server Version: ${i.ServerVersion}`,
    ` Storage Driver: ${i.Driver}`,
    ` Cgroup Driver: ${i.CgroupDriver}`,
    ` Cgroup Version: ${i.CgroupVersion}`,
    ` Init Binary: ${i.InitBinary}`,
    ` Kernel Version: ${i.KernelVersion}`,
    ` Operating System: ${i.OperatingSystem}`,
    ` OSType: ${i.OSType}`,
    ` Architecture: ${i.Architecture}`,
    ` CPUs: ${i.NCPU}`,
    ` Total Memory: ${humanBinarySize(i.MemTotal)}`,
    ` Name: ${i.Name}`,
    ` Berth Root Dir: ${i.BerthRootDir}`,
  ].join('\n');
}

export const info: Verb<InfoArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) => formatOption(flags, { table: false, short: 'f' }),
  run(argv) {
    const facts = engineFor(argv).system.info();
    out(argv.format ? compileTemplate(argv.format)(facts) : infoText(facts));
  },
};
