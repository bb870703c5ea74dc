import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath, readConfigFile, resolveConnection } from '@cytorx/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cytorx-conn-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(content: unknown, mode = 0o600, name = 'config.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  chmodSync(path, mode);
  return path;
}

const FILE = {
  host: 'http://file.example',
  publicKey: 'file-pub',
  privateKey: 'file-priv-secret',
  auth: 'headers',
};
const ENV = {
  CYTOMINE_HOST: 'http://env.example',
  CYTOMINE_PUBLIC_KEY: 'env-pub',
  CYTOMINE_PRIVATE_KEY: 'env-priv-secret',
  CYTOMINE_AUTH: 'hmac-pathless',
};
const FLAGS = {
  host: 'http://flag.example',
  publicKey: 'flag-pub',
  privateKey: 'flag-priv-secret',
  auth: 'hmac',
};

describe('resolveConnection precedence', () => {
  it('takes every field from the config file when nothing else is given', () => {
    const configFile = writeConfig(FILE);
    const c = resolveConnection({ configFile, env: {} });
    expect(c).toMatchObject({
      host: 'http://file.example',
      publicKey: 'file-pub',
      privateKey: 'file-priv-secret',
      auth: 'headers',
    });
    expect(c.sources).toEqual({ host: 'file', publicKey: 'file', privateKey: 'file', auth: 'file' });
    expect(c.configFile).toBe(configFile);
  });

  it('environment beats the file', () => {
    const configFile = writeConfig(FILE);
    const c = resolveConnection({ configFile, env: ENV });
    expect(c).toMatchObject({
      host: 'http://env.example',
      publicKey: 'env-pub',
      privateKey: 'env-priv-secret',
      auth: 'hmac-pathless',
    });
  });

  it('flags beat the environment and the file', () => {
    const configFile = writeConfig(FILE);
    const c = resolveConnection({ configFile, env: ENV, flags: FLAGS });
    expect(c).toMatchObject({
      host: 'http://flag.example',
      publicKey: 'flag-pub',
      privateKey: 'flag-priv-secret',
      auth: 'hmac',
    });
    expect(c.sources.host).toBe('flag');
  });

  it('resolves field by field (host from flag, keys from env, auth from file)', () => {
    const configFile = writeConfig(FILE);
    const c = resolveConnection({
      configFile,
      env: { CYTOMINE_PUBLIC_KEY: 'env-pub', CYTOMINE_PRIVATE_KEY: 'env-priv-secret' },
      flags: { host: 'http://flag.example/' },
    });
    expect(c).toMatchObject({
      host: 'http://flag.example',
      publicKey: 'env-pub',
      privateKey: 'env-priv-secret',
      auth: 'headers',
    });
    expect(c.sources).toEqual({ host: 'flag', publicKey: 'env', privateKey: 'env', auth: 'file' });
  });

  it('treats empty strings as unset', () => {
    const c = resolveConnection({
      env: { ...ENV, CYTOMINE_HOST: '' },
      flags: { host: 'http://h.example', publicKey: '' },
      home: dir,
    });
    expect(c.host).toBe('http://h.example');
    expect(c.publicKey).toBe('env-pub');
  });

  it('defaults auth to hmac and uses the default config path under XDG_CONFIG_HOME', () => {
    const xdg = join(dir, 'xdg');
    const path = defaultConfigPath({ XDG_CONFIG_HOME: xdg }, dir);
    expect(path).toBe(join(xdg, 'cytorx', 'config.json'));
    expect(defaultConfigPath({}, '/home/u')).toBe('/home/u/.config/cytorx/config.json');
    mkdirSync(join(xdg, 'cytorx'), { recursive: true });
    writeFileSync(
      path,
      JSON.stringify({ host: 'http://xdg.example', publicKey: 'p', privateKey: 'secret-xdg' }),
    );
    chmodSync(path, 0o600);
    const c = resolveConnection({ env: { XDG_CONFIG_HOME: xdg } });
    expect(c).toMatchObject({ host: 'http://xdg.example', auth: 'hmac', configFile: path });
  });

  it('bearer needs a token, not keys', () => {
    const c = resolveConnection({
      env: {},
      home: dir,
      flags: { host: 'https://h.example', auth: 'bearer', token: 'tok-123456' },
    });
    expect(c).toMatchObject({ auth: 'bearer', token: 'tok-123456' });
    expect(c.privateKey).toBeUndefined();
    expect(() =>
      resolveConnection({ env: {}, home: dir, flags: { host: 'https://h.example', auth: 'bearer' } }),
    ).toThrow(/--token or set CYTOMINE_TOKEN/);
  });
});

describe('resolveConnection errors (CYTORX_CONFIG)', () => {
  it('says which flag or variable to set when the host is missing', () => {
    try {
      resolveConnection({ env: {}, home: dir });
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('CYTORX_CONFIG');
      expect((err as Error).message).toMatch(/--host.*CYTOMINE_HOST/);
    }
  });

  it('names the missing key', () => {
    expect(() => resolveConnection({ env: { CYTOMINE_HOST: 'http://h.example' }, home: dir })).toThrow(
      /--public-key or set CYTOMINE_PUBLIC_KEY/,
    );
    expect(() =>
      resolveConnection({ env: { CYTOMINE_HOST: 'http://h.example', CYTOMINE_PUBLIC_KEY: 'p' }, home: dir }),
    ).toThrow(/--private-key or set CYTOMINE_PRIVATE_KEY/);
  });

  it('rejects unknown auth modes and non-http hosts', () => {
    expect(() => resolveConnection({ env: { ...ENV, CYTOMINE_AUTH: 'basic' }, home: dir })).toThrow(
      /unknown auth mode "basic"/,
    );
    expect(() =>
      resolveConnection({ env: { ...ENV, CYTOMINE_HOST: 'cytomine.example.org' }, home: dir }),
    ).toThrow(/not an http\(s\) URL/);
  });

  it('an explicit --config that does not exist is an error', () => {
    expect(() => resolveConnection({ env: ENV, configFile: join(dir, 'nope.json') })).toThrow(
      /does not exist/,
    );
  });
});

describe('config file safety', () => {
  it('refuses a file group or others can read, suggesting chmod 600, without leaking its content', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660, 0o601]) {
      const path = writeConfig(FILE, mode);
      let message = '';
      try {
        readConfigFile(path, 'linux');
      } catch (err) {
        expect((err as { code: string }).code).toBe('CYTORX_CONFIG');
        message = (err as Error).message;
      }
      expect(message).toContain(`chmod 600 ${path}`);
      expect(message).toContain(`0${mode.toString(8)}`);
      expect(message).not.toContain('file-priv-secret');
    }
  });

  it('refuses it even when flags give everything (as ssh does)', () => {
    const configFile = writeConfig(FILE, 0o644);
    expect(() => resolveConnection({ configFile, flags: FLAGS, env: {} })).toThrow(/chmod 600/);
  });

  it('accepts 0600 and 0400', () => {
    expect(readConfigFile(writeConfig(FILE, 0o600), 'linux')).toMatchObject({ host: 'http://file.example' });
    expect(readConfigFile(writeConfig(FILE, 0o400, 'ro.json'), 'linux')).toMatchObject({ auth: 'headers' });
  });

  it('returns undefined for a missing file; rejects invalid JSON and wrong types without echoing content', () => {
    expect(readConfigFile(join(dir, 'missing.json'))).toBeUndefined();
    const bad = writeConfig('{"privateKey": "leaky-secret-value", oops}');
    expect(() => readConfigFile(bad, 'linux')).toThrow(/is not valid JSON/);
    try {
      readConfigFile(bad, 'linux');
    } catch (err) {
      expect((err as Error).message).not.toContain('leaky-secret-value');
    }
    expect(() => readConfigFile(writeConfig({ host: 42 }, 0o600, 'types.json'), 'linux')).toThrow(
      /"host" must be a string/,
    );
    expect(() => readConfigFile(writeConfig([1, 2], 0o600, 'array.json'), 'linux')).toThrow(/JSON object/);
  });
});
