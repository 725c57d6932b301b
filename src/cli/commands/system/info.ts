import type { Argv } from 'yargs';
import { Verb } from '../../verb';
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
  describe: 'Display system-wide information',
  options: (y: Argv) => y.option('format', { alias: 'f', type: 'string', describe: 'Format output using a custom template' }),
  run(argv) {
    const facts = engineFor(argv).system.info();
    out(argv.format ? compileTemplate(argv.format)(facts) : infoText(facts));
  },
};
