/**
 * Which registry hosts serve a reference's domain, in the order to try:
 * docker.io goes to the configured mirrors first, then Docker Hub; any
 * other domain is its own registry. Plain HTTP is allowed for loopback
 * registries (as Docker does) and for those named in insecure-registries.
 */
import { isIP } from 'node:net';
import { Settings } from '../../config/settings';
import { registryHost, isLoopbackRegistry } from '../../image/reference';
import { InvalidContentError } from '../../errors/kinds';

export interface Endpoint {
  /** host[:port] the HTTP requests go to. */
  host: string;
  insecure: boolean;
  mirror: boolean;
  /** The domain credentials are stored under (`docker.io` for Hub and its mirrors' own). */
  credentialKey: string;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

function inCidr(host: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const ip = host.replace(/:\d+$/, '');
  if (isIP(ip) !== 4 || isIP(net) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(net) & mask);
}

export function isInsecure(host: string, settings: Settings): boolean {
  if (isLoopbackRegistry(host)) return true;
  return settings.insecureRegistries.some((entry) => {
    const bare = entry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    return bare.includes('/') ? inCidr(host, bare) : bare === host || bare === host.replace(/:\d+$/, '');
  });
}

function mirrorHost(url: string, configFile: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.includes('://') ? url : `https://${url}`);
  } catch {
    throw new InvalidContentError(`read config \`${configFile}\`: registry mirror \`${url}\` is not a URL`);
  }
  return parsed.host;
}

export function endpointsFor(domain: string, settings: Settings): Endpoint[] {
  if (domain !== 'docker.io') {
    return [{ host: domain, insecure: isInsecure(domain, settings), mirror: false, credentialKey: domain }];
  }
  const mirrors = settings.registryMirrors.map((url): Endpoint => {
    const host = mirrorHost(url, settings.configFile);
    const insecure = url.startsWith('http://') || isInsecure(host, settings);
    return { host, insecure, mirror: true, credentialKey: host };
  });
  const hub: Endpoint = { host: registryHost('docker.io'), insecure: false, mirror: false, credentialKey: 'docker.io' };
  return [...mirrors, hub];
}
