import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { call, hmacSignature } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: { seed: 3, projects: 1, imagesPerProject: 1, annotationsPerImage: 3 },
  });
});
afterAll(() => emu.close());

/** A request with exact headers through node:http (fetch normalises some). */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication', () => {
  it.each(['hmac', 'hmac-pathless', 'headers', 'bearer'] as const)('accepts %s', async (mode) => {
    const r = await call(emu, 'GET', '/api/user/current.json', { mode });
    expect(r.status).toBe(200);
    expect(r.json.id).toBe(emu.dataset.users[0]!.id);
    expect(r.json.username).toBe('alice');
  });

  it('signs the raw path and query (the query is part of the message)', async () => {
    const date = 'Tue, 03 Sep 2025 10:11:12 +0000';
    const path = '/api/project.json?max=2&offset=0';
    const good = hmacSignature(emu.privateKey, `GET\n\n\n${date}\n${path}`);
    const noQuery = hmacSignature(emu.privateKey, `GET\n\n\n${date}\n/api/project.json`);
    expect(await rawGet(path, { date, authorization: `CYTOMINE ${emu.publicKey}:${good}` })).toBe(200);
    expect(await rawGet(path, { date, authorization: `CYTOMINE ${emu.publicKey}:${noQuery}` })).toBe(401);
  });

  it('retries with an empty content type, like CORE', async () => {
    const date = 'Tue, 03 Sep 2025 10:11:12 +0000';
    const path = '/api/project.json';
    const sig = hmacSignature(emu.privateKey, `GET\n\n\n${date}\n${path}`);
    const headers = {
      date,
      'content-type': 'application/json',
      authorization: `CYTOMINE ${emu.publicKey}:${sig}`,
    };
    expect(await rawGet(path, headers)).toBe(200);
  });

  it('authenticates the second user with its own keys', async () => {
    const bob = emu.dataset.users[1]!;
    const r = await call(emu, 'GET', '/api/user/current.json', { keys: bob });
    expect(r.json.username).toBe('bob');
  });

  it('refuses a wrong key with the Spring default 401 JSON and counts it', async () => {
    emu.resetStats();
    const r = await call(emu, 'GET', '/api/project.json', {
      keys: { publicKey: emu.publicKey, privateKey: 'wrong' },
    });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ status: 401, error: 'Unauthorized', path: '/api/project.json' });
    expect(typeof r.json.timestamp).toBe('string');
    expect(r.text).not.toContain(emu.privateKey);
    expect(emu.stats().authFailures).toBe(1);
  });

  it('refuses unsigned requests, unknown keys and a bad bearer token', async () => {
    expect((await call(emu, 'GET', '/api/project.json', { mode: 'none' })).status).toBe(401);
    expect(
      (await call(emu, 'GET', '/api/project.json', { keys: { publicKey: 'nobody', privateKey: 'x' } }))
        .status,
    ).toBe(401);
    expect(
      (
        await call(emu, 'GET', '/api/project.json', {
          mode: 'bearer',
          keys: { publicKey: '', privateKey: '', token: 'nope' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(emu, 'GET', '/api/project.json', {
          mode: 'headers',
          keys: { publicKey: emu.publicKey, privateKey: 'x' },
        })
      ).status,
    ).toBe(401);
  });

  it('serves /server/ping without auth', async () => {
    for (const p of ['/server/ping', '/server/ping.json']) {
      const r = await call(emu, 'GET', p, { mode: 'none' });
      expect(r.status).toBe(200);
      expect(r.json.alive).toBe(true);
    }
  });

  it('derives keys from the seed, or takes them from options', async () => {
    const again = await startEmulator({ dataset: { seed: 3, projects: 0 } });
    const other = await startEmulator({
      dataset: { seed: 3, projects: 0 },
      keys: { publicKey: 'pub', privateKey: 'priv', token: 'tok' },
    });
    try {
      expect(again.publicKey).toBe(emu.publicKey);
      expect(again.privateKey).toBe(emu.privateKey);
      expect(other.publicKey).toBe('pub');
      const r = await call(other, 'GET', '/api/user/current.json', { mode: 'bearer' });
      expect(r.status).toBe(200);
    } finally {
      await again.close();
      await other.close();
    }
  });
});

describe('authModes option', () => {
  it('accepts only the configured modes', async () => {
    const only = await startEmulator({ dataset: { seed: 3, projects: 0 }, authModes: ['hmac-pathless'] });
    try {
      expect((await call(only, 'GET', '/api/user/current.json', { mode: 'hmac-pathless' })).status).toBe(200);
      for (const mode of ['hmac', 'headers', 'bearer'] as const) {
        expect((await call(only, 'GET', '/api/user/current.json', { mode })).status).toBe(401);
      }
    } finally {
      await only.close();
    }
  });
});
