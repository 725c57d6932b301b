/** The per-container /etc/hostname, /etc/hosts and /etc/resolv.conf, written into the bundle. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../sys/atomic-file';

const HOSTS_BASE = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** The host's resolv.conf without loopback nameservers (they mean nothing in another network namespace). */
function resolvConf(hostNetwork: boolean): string {
  let text = '';
  try {
    text = fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
  if (hostNetwork) return text;
  return text
    .split('\n')
    .filter((line) => !/^\s*nameserver\s+(127\.|::1\b)/.test(line))
    .join('\n');
}

export interface EtcFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

export function writeEtcFiles(bundle: string, hostname: string, hostNetwork: boolean): EtcFiles {
  const files: EtcFiles = {
    hostname: path.join(bundle, 'hostname'),
    hosts: path.join(bundle, 'hosts'),
    resolvConf: path.join(bundle, 'resolv.conf'),
  };
  // Not durable: a container whose bundle is lost in a crash is recreated, not repaired.
  const ephemeral = { durable: false };
  writeFileAtomic(files.hostname, `${hostname}\n`, ephemeral);
  const hosts = hostNetwork ? fs.readFileSync('/etc/hosts', 'utf8') : HOSTS_BASE.join('\n') + '\n';
  writeFileAtomic(files.hosts, hosts, ephemeral);
  writeFileAtomic(files.resolvConf, resolvConf(hostNetwork), ephemeral);
  return files;
}

/**
 * `--network container:X`: Docker gives the container X's hostname, /etc/hosts and /etc/resolv.conf (it
 * shares X's network, so X's names are the right ones). berth copies X's files into the new bundle.
 */
export function copyEtcFiles(donorBundle: string, bundle: string): { files: EtcFiles; hostname: string } {
  const files: EtcFiles = {
    hostname: path.join(bundle, 'hostname'),
    hosts: path.join(bundle, 'hosts'),
    resolvConf: path.join(bundle, 'resolv.conf'),
  };
  for (const name of ['hostname', 'hosts', 'resolv.conf']) {
    writeFileAtomic(path.join(bundle, name), fs.readFileSync(path.join(donorBundle, name)), { durable: false });
  }
  return { files, hostname: fs.readFileSync(files.hostname, 'utf8').trim() };
}
