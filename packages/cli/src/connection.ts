import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cytorx/core';

import { AUTH_MODES, type CliAuthMode } from './auth-modes.js';

export { AUTH_MODES, type CliAuthMode };

/** A config file that exists but cannot be read (a folder, no permission): optional when it is the default one. */
class UnreadableConfigError extends ConfigError {}

/** Connection settings from one source (flags, environment or config file); all optional. */
export interface ConnectionSettings {
  host?: string | undefined;
  publicKey?: string | undefined;
  privateKey?: string | undefined;
  auth?: string | undefined;
  token?: string | undefined;
}

/** A complete, validated connection: what `createClient` needs. */
export interface ResolvedConnection {
  host: string;
  auth: CliAuthMode;
  publicKey?: string;
  privateKey?: string;
  token?: string;
  /** Where each setting came from (`flag`, `env`, `file`), for messages; never the values. */
  sources: Partial<Record<keyof ConnectionSettings, 'flag' | 'env' | 'file'>>;
  /** The config file that was read, if any. */
  configFile?: string;
}

/** Inputs of {@link resolveConnection}. */
export interface ResolveConnectionOptions {
  /** Values from command-line flags (highest precedence). */
  flags?: ConnectionSettings;
  /** The environment (default `{}`): reads `CYTOMINE_HOST`, `CYTOMINE_PUBLIC_KEY`, `CYTOMINE_PRIVATE_KEY`, `CYTOMINE_AUTH`, `CYTOMINE_TOKEN`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** An explicit config file (`--config`): it must exist. Default: {@link defaultConfigPath}, used only if it exists. */
  configFile?: string | undefined;
  /** Home directory for the default config path (default `os.homedir()`). */
  home?: string;
  /** Platform, for the permission check (default `process.platform`; skipped on `win32`). */
  platform?: string;
}

/**
 * The default config file: `$XDG_CONFIG_HOME/cytorx/config.json`, else `~/.config/cytorx/config.json`.
 * @param env - the environment (default `process.env`).
 * @param home - home directory (default `os.homedir()`).
 * @example
 * ```ts
 * import { defaultConfigPath } from '@cytorx/cli';
 * defaultConfigPath({ XDG_CONFIG_HOME: '/cfg' }); // '/cfg/cytorx/config.json'
 * ```
 */
export function defaultConfigPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(home, '.config');
  return join(base, 'cytorx', 'config.json');
}

const FIELDS = ['host', 'publicKey', 'privateKey', 'auth', 'token'] as const;
const ENV_NAMES: Record<keyof ConnectionSettings, string> = {
  host: 'CYTOMINE_HOST',
  publicKey: 'CYTOMINE_PUBLIC_KEY',
  privateKey: 'CYTOMINE_PRIVATE_KEY',
  auth: 'CYTOMINE_AUTH',
  token: 'CYTOMINE_TOKEN',
};
const FLAG_NAMES: Record<keyof ConnectionSettings, string> = {
  host: '--host',
  publicKey: '--public-key',
  privateKey: '--private-key',
  auth: '--auth',
  token: '--token',
};

/**
 * Reads a cytorx config file (`{ host, publicKey, privateKey, auth, token }`), refusing it when
 * its mode lets group or others read it (as ssh refuses private keys).
 * @param path - the file.
 * @param platform - default `process.platform`; the permission check is skipped on `win32`.
 * @returns the settings, or `undefined` when the file does not exist.
 * @throws ConfigError (`CYTORX_CONFIG`) when the file is readable by others, unreadable, not JSON,
 *   or has fields of the wrong type. The message never contains the file's values.
 * @example
 * ```ts
 * import { readConfigFile } from '@cytorx/cli';
 * const settings = readConfigFile('/home/me/.config/cytorx/config.json');
 * ```
 */
export function readConfigFile(
  path: string,
  platform: string = process.platform,
): ConnectionSettings | undefined {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UnreadableConfigError(`config file ${path} is not a regular file`);
    mode = st.mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof ConfigError) throw err;
    throw new UnreadableConfigError(`cannot read config file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new ConfigError(
      `config file ${path} has permissions ${octal}: it holds your private key and must not be ` +
        `accessible by group or others; refusing to use it. Run: chmod 600 ${path}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    // Do not echo the parser's message: it may quote part of the file (the private key).
    if (!(err instanceof SyntaxError)) {
      throw new UnreadableConfigError(`config file ${path} cannot be read (${(err as Error).message})`);
    }
    throw new ConfigError(`config file ${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(
      `config file ${path} must hold a JSON object { "host", "publicKey", "privateKey", "auth", "token" }`,
    );
  }
  const settings: ConnectionSettings = {};
  for (const field of FIELDS) {
    const value = (parsed as Record<string, unknown>)[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new ConfigError(`config file ${path}: "${field}" must be a string`);
    }
    settings[field] = value;
  }
  return settings;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): ConnectionSettings {
  const settings: ConnectionSettings = {};
  for (const field of FIELDS) {
    const value = env[ENV_NAMES[field]];
    if (value !== undefined && value !== '') settings[field] = value;
  }
  return settings;
}

/**
 * Resolves the connection settings, field by field: command-line flags beat the environment,
 * which beats the config file. Validates the host URL, the auth mode, and that the credentials
 * the auth mode needs are present.
 * @param options - see {@link ResolveConnectionOptions}.
 * @returns a {@link ResolvedConnection} ready for `createClient`.
 * @throws ConfigError (`CYTORX_CONFIG`, exit code 2) naming the flag or variable to set when the
 *   host or a credential is missing, the auth mode is unknown, or the config file is unsafe or invalid.
 * @example
 * ```ts
 * import { resolveConnection } from '@cytorx/cli';
 * const conn = resolveConnection({ flags: { host: 'http://127.0.0.1:8080' }, env: process.env });
 * ```
 */
export function resolveConnection(options: ResolveConnectionOptions = {}): ResolvedConnection {
  const env = options.env ?? {};
  const explicitFile = options.configFile;
  const path = explicitFile ?? defaultConfigPath(env, options.home ?? homedir());
  // The default file is optional: one that cannot be read is skipped (and said when something
  // is missing); a file given with --config must be readable.
  let skipped: string | undefined;
  let file: ConnectionSettings | undefined;
  try {
    file = readConfigFile(path, options.platform ?? process.platform);
  } catch (err) {
    if (!(err instanceof UnreadableConfigError) || explicitFile !== undefined) throw err;
    skipped = err.message;
  }
  if (file === undefined && explicitFile !== undefined) {
    throw new ConfigError(`config file ${explicitFile} does not exist (given with --config)`);
  }
  const layers: Array<['flag' | 'env' | 'file', ConnectionSettings]> = [
    ['flag', options.flags ?? {}],
    ['env', fromEnv(env)],
    ['file', file ?? {}],
  ];
  const merged: ConnectionSettings = {};
  const sources: ResolvedConnection['sources'] = {};
  for (const field of FIELDS) {
    for (const [source, settings] of layers) {
      const value = settings[field];
      if (value !== undefined && value !== '') {
        merged[field] = value;
        sources[field] = source;
        break;
      }
    }
  }

  const where = (field: keyof ConnectionSettings): string =>
    `pass ${FLAG_NAMES[field]} or set ${ENV_NAMES[field]}` +
    ` (or "${field}" in ${file !== undefined ? path : `a config file, default ${path}`})` +
    (skipped !== undefined ? `; the default config file was skipped: ${skipped}` : '');

  if (merged.host === undefined) {
    throw new ConfigError(`no Cytomine host given: ${where('host')}`);
  }
  const host = merged.host.replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(host);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `host "${host}" (from ${sources.host}) is not an http(s) URL, e.g. https://cytomine.example.org`,
    );
  }

  const auth = merged.auth ?? 'hmac';
  if (!(AUTH_MODES as readonly string[]).includes(auth)) {
    throw new ConfigError(
      `unknown auth mode "${auth}" (from ${sources.auth}): use one of ${AUTH_MODES.join(', ')}`,
    );
  }
  const resolved: ResolvedConnection = { host, auth: auth as CliAuthMode, sources };
  if (file !== undefined) resolved.configFile = path;
  if (auth === 'bearer') {
    if (merged.token === undefined)
      throw new ConfigError(`auth mode "bearer" needs a token: ${where('token')}`);
    resolved.token = merged.token;
  } else {
    if (merged.publicKey === undefined) {
      throw new ConfigError(`no public key given: ${where('publicKey')}`);
    }
    if (merged.privateKey === undefined) {
      throw new ConfigError(`no private key given: ${where('privateKey')}`);
    }
    resolved.publicKey = merged.publicKey;
    resolved.privateKey = merged.privateKey;
  }
  // Keep a token/keys given alongside for completeness (e.g. a bearer token with hmac is ignored).
  if (auth !== 'bearer' && merged.token !== undefined) resolved.token = merged.token;
  return resolved;
}

/** The secret values of a settings object, for redaction. @internal */
export function secretsOf(settings: ConnectionSettings | undefined): string[] {
  if (settings === undefined) return [];
  return [settings.privateKey, settings.token].filter((s): s is string => s !== undefined && s !== '');
}
