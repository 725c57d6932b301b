/**
 * --device `HOST[:CONTAINER][:PERMISSIONS]` (PERMISSIONS = some of r, w, m),
 * with the docker CLI's checks and messages (container/opts.go
 * validateLinuxPath, parseLinuxDevice).
 */
import * as path from 'node:path';
import { flagError } from './parse-flags';
import { cleanPath } from './parse-mounts';

export interface DeviceRequest {
  pathOnHost: string;
  pathInContainer: string;
  /** Device cgroup access, some of r, w, m. */
  permissions: string;
}

function validDeviceMode(mode: string): boolean {
  if (mode === '') return false;
  const seen = new Set<string>();
  for (const c of mode) {
    if (!'rwm'.includes(c) || seen.has(c)) return false;
    seen.add(c);
  }
  return true;
}

/** --device `HOST[:CONTAINER][:PERMISSIONS]`. */
export function parseDeviceFlag(text: string): DeviceRequest {
  const badFormat = (): Error => flagError(`bad format for path: ${text}`);
  const parts = text.split(':');
  if (parts.length > 3 || parts[0] === '') throw badFormat();
  let host = parts[0];
  let container: string;
  let permissions = 'rwm';
  if (parts.length === 1) {
    host = cleanPath(host);
    container = host;
  } else if (parts.length === 2 && validDeviceMode(parts[1])) {
    host = cleanPath(host);
    container = host;
    permissions = parts[1];
  } else if (parts.length === 2) {
    container = parts[1];
    if (!path.posix.isAbsolute(container)) throw flagError(`${container} is not an absolute path`);
    container = cleanPath(container);
  } else {
    container = parts[1];
    permissions = parts[2];
    if (!validDeviceMode(permissions)) throw flagError(`bad mode specified: ${permissions}`);
  }
  if (!path.posix.isAbsolute(container)) throw flagError(`${container} is not an absolute path`);
  return { pathOnHost: host, pathInContainer: container, permissions };
}
