import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { call, hmacSignature } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: { seed: 21, projects: 1, imagesPerProject: 1, annotationsPerImage: 30 },
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.setFaults({});
  emu.resetStats();
});

/** A signed GET through node:http that reports a destroyed connection instead of throwing. */
function rawRequest(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; reset: boolean; body: string }> {
  const u = new URL(emu.url);
  const date = new Date().toUTCString();
  const ct = body === undefined ? '' : 'application/json';
  const sig = hmacSignature(emu.privateKey, `${method}\n\n${ct}\n${date}\n${path}`);
  const headers: Record<string, string> = { date, authorization: `CYTOMINE ${emu.publicKey}:${sig}` };
  if (ct) headers['content-type'] = ct;
  return new Promise((resolve) => {
    let status = 0;
    let text = '';
    const req = request({ host: u.hostname, port: u.port, path, method, headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status, reset: false, body: text }));
      res.on('error', () => resolve({ status, reset: true, body: text }));
      res.on('aborted', () => resolve({ status, reset: true, body: text }));
    });
    req.on('error', () => resolve({ status, reset: true, body: text }));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const imageId = () => emu.dataset.images[0]!.id;

describe('fault injection', () => {
  it('injects failures at roughly the configured rate, deterministically with a seed', async () => {
    const run = async () => {
      emu.setFaults({ failureRate: 0.3, seed: 7 });
      const statuses: number[] = [];
      for (let k = 0; k < 200; k++) statuses.push((await call(emu, 'GET', '/api/project.json')).status);
      return statuses;
    };
    const a = await run();
    const failures = a.filter((s) => s !== 200).length;
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(80);
    expect(new Set(a.filter((s) => s !== 200))).toEqual(new Set([500, 502, 503]));
    expect(await run()).toEqual(a);
    expect(emu.stats().failuresInjected).toBe(failures * 2);
  });

  it('sends Retry-After on 503, an HTML body on 502, JSON on 500', async () => {
    emu.setFaults({ failureRate: 1, failureCodes: [503], retryAfterSeconds: 2 });
    const r503 = await call(emu, 'GET', '/api/project.json');
    expect(r503.status).toBe(503);
    expect(r503.headers.get('retry-after')).toBe('2');
    emu.setFaults({ failureRate: 1, failureCodes: [502] });
    const r502 = await call(emu, 'GET', '/api/project.json');
    expect(r502.headers.get('content-type')).toBe('text/html');
    expect(r502.text).toContain('502 Bad Gateway');
    emu.setFaults({ failureRate: 1, failureCodes: [500] });
    expect((await call(emu, 'GET', '/api/project.json')).json).toEqual({
      errors: { message: 'Internal error' },
    });
  });

  it('does not fault /server/ping, and honours methods', async () => {
    emu.setFaults({ failureRate: 1 });
    expect((await call(emu, 'GET', '/server/ping.json', { mode: 'none' })).status).toBe(200);
    emu.setFaults({ failureRate: 1, methods: ['POST'] });
    expect((await call(emu, 'GET', '/api/project.json')).status).toBe(200);
  });

  it('destroys the connection mid-body on resets', async () => {
    emu.setFaults({ resetRate: 1 });
    const r = await rawRequest('GET', `/api/annotation.json?image=${imageId()}&showWKT=true`);
    expect(r.reset).toBe(true);
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.body)).toThrow();
    expect(emu.stats().resetsInjected).toBe(1);
    await expect(call(emu, 'GET', '/api/project.json')).rejects.toThrow();
  });

  it('does not apply a write that fails or is reset before processing', async () => {
    const before = emu.dataset.annotations.length;
    const body = { image: imageId(), location: 'POLYGON ((1 1, 20 1, 20 20, 1 20, 1 1))' };
    emu.setFaults({ failureRate: 1 });
    expect((await rawRequest('POST', '/api/annotation.json', body)).status).toBeGreaterThanOrEqual(500);
    emu.setFaults({ resetRate: 1 });
    expect((await rawRequest('POST', '/api/annotation.json', body)).reset).toBe(true);
    expect(emu.dataset.annotations.length).toBe(before);
    expect(emu.stats().writes).toBe(0);
  });

  it('applies the write, then resets, with resetAfterWriteRate', async () => {
    const before = emu.dataset.annotations.length;
    emu.setFaults({ resetAfterWriteRate: 1 });
    const body = [{ image: imageId(), location: 'POLYGON ((1 1, 20 1, 20 20, 1 20, 1 1))' }];
    const r = await rawRequest('POST', '/api/annotation.json', body);
    expect(r.reset).toBe(true);
    expect(emu.dataset.annotations.length).toBe(before + 1);
    expect(emu.stats()).toMatchObject({ writes: 1, resetsInjected: 1 });
    // Reads are not affected by resetAfterWriteRate.
    expect((await call(emu, 'GET', '/api/project.json')).status).toBe(200);
  });

  it('caps pages with pageCap', async () => {
    emu.setFaults({ pageCap: 7 });
    const r = await call(emu, 'GET', `/api/annotation.json?image=${imageId()}&max=20`);
    expect(r.json.collection).toHaveLength(7);
    expect(r.json.size).toBe(emu.dataset.annotations.length);
    const all = await call(emu, 'GET', `/api/annotation.json?image=${imageId()}&max=0&offset=28`);
    expect(all.json.collection).toHaveLength(Math.min(7, emu.dataset.annotations.length - 28));
  });

  it('adds latency', async () => {
    emu.setFaults({ latencyMs: 60, jitterMs: 20 });
    const t = performance.now();
    await call(emu, 'GET', '/api/project.json');
    const dt = performance.now() - t;
    expect(dt).toBeGreaterThanOrEqual(55);
    expect(dt).toBeLessThan(1000);
  });

  it('counts requests by method and route', async () => {
    await call(emu, 'GET', '/api/project.json');
    await call(emu, 'GET', `/api/imageinstance/${imageId()}.json`);
    await call(emu, 'GET', `/api/annotation/search.json?image=${imageId()}`);
    await call(emu, 'POST', '/api/annotation/search.json', { body: { image: imageId() } });
    const s = emu.stats();
    expect(s.requests).toBe(4);
    expect(s.byMethod).toEqual({ GET: 3, POST: 1 });
    expect(s.byRoute).toEqual({
      '/api/project.json': 1,
      '/api/imageinstance/{id}.json': 1,
      '/api/annotation/search.json': 2,
    });
    expect(s.writes).toBe(0);
  });
});

describe('close()', () => {
  it('closes promptly even with an open keep-alive connection', async () => {
    const e = await startEmulator({ dataset: { seed: 1, projects: 0 } });
    await call(e, 'GET', '/api/user/current.json');
    const t = performance.now();
    await e.close();
    expect(performance.now() - t).toBeLessThan(1000);
    await expect(fetch(`${e.url}/server/ping`)).rejects.toThrow();
  });
});
