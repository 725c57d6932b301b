/** Facts about the host that `info` and `version` show. */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Go's GOARCH spelling of Node's process.arch (what Docker prints in OS/Arch). */
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function goArch(nodeArch: string = process.arch): string {
  return GO_ARCH[nodeArch] ?? nodeArch;
}

/** PRETTY_NAME of os-release(5), or NAME, or `Linux`. */
export function parseOsRelease(text: string): string {
  const value = (key: string): string | undefined => {
    const match = new RegExp(`^${key}=(.*)$`, 'm').exec(text);
    return match ? match[1].trim().replace(/^(["'])(.*)\1$/, '$2') : undefined;
  };
  return value('PRETTY_NAME') ?? value('NAME') ?? 'Linux';
}

export function operatingSystem(): string {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(fs.readFileSync(file, 'utf8'));
    } catch {
      // try the next
    }
  }
  return 'Linux';
}

export function kernelVersion(): string {
  return os.release();
}
