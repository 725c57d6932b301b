/**
 * Where berth keeps its state and which registry settings apply. The data
 * root holds everything berth writes (store, state, locks, logs), so a test
 * with its own root is fully isolated. The config file takes Docker's
 * daemon.json keys `registry-mirrors` and `insecure-registries`.
 */
import * as fs from 'node:fs';
import { InvalidContentError } from '../errors/kinds';

export const DEFAULT_ROOT = '/var/lib/berth';
export const DEFAULT_CONFIG_FILE = '/etc/berth/config.json';

export interface Settings {
  root: string;
  configFile: string;
  /** Mirrors for docker.io, as URLs (`http://127.0.0.1:5000`), tried in order before Docker Hub. */
  registryMirrors: string[];
  /** Registries (host[:port] or CIDR) that may be reached over plain HTTP. */
  insecureRegistries: string[];
}

export interface SettingsInput {
  root?: string;
  configFile?: string;
  registryMirrors?: string[];
  insecureRegistries?: string[];
  /** Added to the config file's insecure-registries (the CLI's --insecure-registry). */
  extraInsecureRegistries?: string[];
}

interface ConfigFile {
  'registry-mirrors'?: unknown;
  'insecure-registries'?: unknown;
}

function stringList(value: unknown, key: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new InvalidContentError(`read config \`${file}\`: \`${key}\` must be a list of strings`);
  }
  return value as string[];
}

function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as ConfigFile;
  } catch (err) {
    throw new InvalidContentError(`read config \`${file}\`: ${(err as Error).message}`, { cause: err });
  }
}

/** Settings from explicit input, then the environment, then the config file, then defaults. */
export function loadSettings(input: SettingsInput = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const root = input.root ?? env.BERTH_ROOT ?? DEFAULT_ROOT;
  const configFile = input.configFile ?? env.BERTH_CONFIG ?? DEFAULT_CONFIG_FILE;
  const file = readConfigFile(configFile);
  return {
    root,
    configFile,
    registryMirrors: input.registryMirrors ?? stringList(file['registry-mirrors'], 'registry-mirrors', configFile),
    insecureRegistries: [
      ...(input.insecureRegistries ?? stringList(file['insecure-registries'], 'insecure-registries', configFile)),
      ...(input.extraInsecureRegistries ?? []),
    ],
  };
}
