/** Docker's `version` document: the client (the CLI/library) and the server (the runtime parts it drives). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { OCI_VERSION } from '../../runtime/spec/types';
import { REAPER_BINARY } from '../../runtime/reaper-binary';
import { goArch, kernelVersion } from './host';
import { packageRoot } from '../../config/package-root';

const PACKAGE_JSON = path.join(packageRoot(), 'package.json');

export interface ComponentVersion {
  Name: string;
  Version: string;
  Details?: Record<string, string>;
}

export interface VersionInfo {
  Client: { Version: string; NodeVersion: string; Os: string; Arch: string };
  Server: {
    Version: string;
    NodeVersion: string;
    Os: string;
    Arch: string;
    KernelVersion: string;
    OciRuntimeSpecVersion: string;
    Components: ComponentVersion[];
  };
}

export function berthVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(PACKAGE_JSON, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `berth-reaper version 0.1.0` -> `0.1.0`; undefined when it is not built. */
function reaperVersion(): string | undefined {
  const result = spawnSync(REAPER_BINARY, ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (result.status !== 0) return undefined;
  return /version\s+(\S+)/.exec(result.stdout)?.[1];
}

export function versionInfo(): VersionInfo {
  const version = berthVersion();
  const common = { Version: version, NodeVersion: process.version, Os: process.platform, Arch: goArch() };
  const components: ComponentVersion[] = [
    { Name: 'Engine', Version: version, Details: { NodeVersion: process.version, KernelVersion: kernelVersion() } },
    { Name: 'OCI runtime spec', Version: OCI_VERSION },
  ];
  const reaper = reaperVersion();
  if (reaper) components.push({ Name: 'docker-init', Version: reaper, Details: { Binary: 'berth-reaper' } });
  return {
    Client: common,
    Server: { ...common, KernelVersion: kernelVersion(), OciRuntimeSpecVersion: OCI_VERSION, Components: components },
  };
}
