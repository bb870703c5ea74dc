import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { AuthMode, ClientEvent, ClientOptions, CytomineClient } from '../../src/client/types.js';
import { AbortedError } from '../../src/errors/aborted-error.js';
import { AuthError } from '../../src/errors/auth-error.js';
import { BadResponseError } from '../../src/errors/bad-response-error.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { HttpError } from '../../src/errors/http-error.js';
import { NetworkError } from '../../src/errors/network-error.js';
import { NotFoundError } from '../../src/errors/not-found-error.js';
import {
  authOk,
  expectedHmac,
  json,
  PRIV,
  PUB,
  startTestServer,
  type TestServer,
  TOKEN,
} from './loopback-server.js';

let server: TestServer;
const clients: CytomineClient[] = [];
const events: ClientEvent[] = [];

function client(options: Partial<ClientOptions> = {}): CytomineClient {
  const c = createClient({
    host: server.url,
    publicKey: PUB,
    privateKey: PRIV,
    token: TOKEN,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    onEvent: (e) => events.push(e),
    ...options,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startTestServer((_req, res) => json(res, 200, {}));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});
beforeEach(() => {
  server.seen.length = 0;
  events.length = 0;
});

const errorOf = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

describe('auth modes over loopback', () => {
  for (const auth of ['hmac', 'hmac-pathless', 'headers', 'bearer'] as AuthMode[]) {
    it(`${auth}: GET and POST are accepted by a server that checks them independently`, async () => {
      server.setHandler((req, res) => (authOk(req) ? json(res, 200, { ok: true }) : json(res, 401, {})));
      const c = client({ auth });
      await expect(
        firstValueFrom(
          c.request('GET', '/api/annotation.json', { query: { image: 3, terms: [1, 2], showWKT: true } }),
        ),
      ).resolves.toEqual({ ok: true });
      await expect(
        firstValueFrom(c.request('POST', '/api/annotation.json', { body: { location: 'POINT (1 1)' } })),
      ).resolves.toEqual({ ok: true });
      const [get, post] = server.seen;
      expect(get?.url).toBe('/api/annotation.json?image=3&terms=1,2&showWKT=true');
      expect(get?.headers['content-type']).toBeUndefined();
      expect(post?.headers['content-type']).toBe('application/json');
      expect(post?.body).toBe('{"location":"POINT (1 1)"}');
      expect(get?.headers.date).toMatch(
        /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/,
      );
      if (auth === 'hmac' || auth === 'hmac-pathless') {
        const sig = get?.headers.authorization?.split(':')[1];
        expect(sig).toBe(
          expectedHmac(
            { method: 'GET', url: get!.url, headers: get!.headers } as never,
            auth === 'hmac-pathless',
          ),
        );
      }
    });
  }

  it('the path prefix of the host is part of the signed path', async () => {
    server.setHandler((req, res) => (authOk(req) ? json(res, 200, { url: req.url }) : json(res, 401, {})));
    const c = client({ host: `${server.url}/cytomine/` });
    expect(c.host).toBe(`${server.url}/cytomine`);
    await expect(firstValueFrom(c.request('GET', '/api/project.json'))).resolves.toEqual({
      url: '/cytomine/api/project.json',
    });
  });

  it('a wrong key fails with AuthError naming the mode, after one request, without secrets', async () => {
    server.setHandler((req, res) =>
      authOk(req) ? json(res, 200, {}) : json(res, 401, { error: 'Unauthorized', status: 401 }),
    );
    const c = client({ privateKey: 'wrong-private-key' });
    const error = await errorOf(firstValueFrom(c.request('GET', '/api/user/current.json')));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('CYTORX_AUTH');
    expect((error as AuthError).authMode).toBe('hmac');
    expect(error.message).toContain('"hmac"');
    expect(server.seen).toHaveLength(1);
    const signature = server.seen[0]?.headers.authorization?.split(':')[1] ?? '';
    const everything = JSON.stringify([error.message, error.stack, { ...error }, events]);
    for (const secret of ['wrong-private-key', signature, TOKEN]) expect(everything).not.toContain(secret);
  });

  it('rejects missing credentials and bad hosts up front', () => {
    expect(() => createClient({ host: server.url })).toThrow(ConfigError);
    expect(() => createClient({ host: server.url, auth: 'bearer', publicKey: 'a', privateKey: 'b' })).toThrow(
      /token/,
    );
    expect(() => createClient({ host: 'ftp://x', token: 't', auth: 'bearer' })).toThrow(/http or https/);
    expect(() => createClient({ host: 'not a url', publicKey: 'a', privateKey: 'b' })).toThrow(ConfigError);
  });
});

describe('error mapping and retries', () => {
  it('404 -> NotFoundError, 400 -> HttpError, 403 -> AuthError; none retried', async () => {
    const c = client();
    for (const [status, cls, code] of [
      [404, NotFoundError, 'CYTORX_NOT_FOUND'],
      [400, HttpError, 'CYTORX_HTTP'],
      [403, AuthError, 'CYTORX_AUTH'],
      [401, AuthError, 'CYTORX_AUTH'],
    ] as const) {
      server.seen.length = 0;
      server.setHandler((_req, res) => json(res, status, { errors: { message: `thing ${status}` } }));
      const error = await errorOf(
        firstValueFrom(c.request('GET', '/api/project/42.json', { query: { x: 1 } })),
      );
      expect(error).toBeInstanceOf(cls);
      expect((error as HttpError).code).toBe(code);
      expect((error as HttpError).status).toBe(status);
      expect((error as HttpError).path).toBe('/api/project/42.json?x=1');
      expect((error as HttpError).bodyExcerpt).toBe(`thing ${status}`);
      expect(server.seen).toHaveLength(1);
    }
  });

  it('503 with Retry-After, then success: retried and waits', async () => {
    let n = 0;
    server.setHandler((_req, res) =>
      n++ < 2 ? json(res, 503, {}, { 'retry-after': '0' }) : json(res, 200, { ok: 1 }),
    );
    const c = client();
    await expect(firstValueFrom(c.request('GET', '/api/project.json'))).resolves.toEqual({ ok: 1 });
    expect(server.seen).toHaveLength(3);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { reason: string }).reason)).toEqual([
      '503',
      '503',
    ]);
  });

  it('an HTML 502 from a proxy becomes an HttpError with a text excerpt after all attempts', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(
        '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad   Gateway</h1><hr>nginx</body></html>',
      );
    });
    const c = client({ retry: { baseDelayMs: 1, maxAttempts: 3 } });
    const error = (await errorOf(firstValueFrom(c.request('GET', '/api/project.json')))) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(502);
    expect(error.attempts).toBe(3);
    expect(error.bodyExcerpt).toBe('502 Bad Gateway Bad Gateway nginx');
    expect(error.message).toBe(
      'GET /api/project.json failed with 502 after 3 attempts: 502 Bad Gateway Bad Gateway nginx',
    );
    expect(server.seen).toHaveLength(3);
  });

  it('500 is retried on GET but not on POST; POST 503 only with retry: true', async () => {
    server.setHandler((_req, res) => json(res, 500, { errors: { message: 'Internal error' } }));
    const c = client({ retry: { baseDelayMs: 1, maxAttempts: 2 } });
    await errorOf(firstValueFrom(c.request('GET', '/api/x.json')));
    expect(server.seen).toHaveLength(2);
    server.seen.length = 0;
    await errorOf(firstValueFrom(c.request('POST', '/api/x.json', { body: {} })));
    expect(server.seen).toHaveLength(1);
    server.seen.length = 0;
    server.setHandler((_req, res) => json(res, 503, {}));
    await errorOf(firstValueFrom(c.request('POST', '/api/x.json', { body: {} })));
    expect(server.seen).toHaveLength(1);
    server.seen.length = 0;
    await errorOf(firstValueFrom(c.request('POST', '/api/x.json', { body: {}, retry: true })));
    expect(server.seen).toHaveLength(2);
    server.seen.length = 0;
    await errorOf(firstValueFrom(c.request('GET', '/api/x.json', { retry: false })));
    expect(server.seen).toHaveLength(1);
  });

  it('connection reset mid-body: GET retried, POST not (NetworkError reason reset)', async () => {
    let n = 0;
    server.setHandler((_req, res) => {
      if (n++ % 2 === 0) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"collection":[');
        setTimeout(() => res.socket?.destroy(), 5);
      } else json(res, 200, { ok: true });
    });
    const c = client();
    await expect(firstValueFrom(c.request('GET', '/api/x.json'))).resolves.toEqual({ ok: true });
    expect(server.seen).toHaveLength(2);
    server.seen.length = 0;
    n = 0;
    const error = (await errorOf(
      firstValueFrom(c.request('POST', '/api/x.json', { body: [] })),
    )) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('CYTORX_NETWORK');
    expect(error.reason).toBe('reset');
    expect(server.seen).toHaveLength(1);
  });

  it('a refused connection is a NetworkError (refused) after retries', async () => {
    const dead = await startTestServer(() => {});
    const url = dead.url;
    await dead.close();
    const c = client({ host: url, retry: { baseDelayMs: 1, maxAttempts: 2 } });
    const error = (await errorOf(firstValueFrom(c.request('GET', '/api/x.json')))) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.reason).toBe('refused');
    expect(error.attempts).toBe(2);
  });

  it('a slow answer times out per attempt (NetworkError timeout)', async () => {
    server.setHandler((_req, res) => setTimeout(() => json(res, 200, {}), 300));
    const c = client({ timeoutMs: 50, retry: { baseDelayMs: 1, maxAttempts: 2 } });
    const error = (await errorOf(firstValueFrom(c.request('GET', '/api/x.json')))) as NetworkError;
    expect(error.reason).toBe('timeout');
    expect(error.attempts).toBe(2);
  });

  it('a 2xx that is not JSON is a BadResponseError (not retried)', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    });
    const error = (await errorOf(firstValueFrom(client().request('GET', '/api/x.json')))) as BadResponseError;
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toContain('not JSON');
    expect(error.bodyExcerpt).toBe('login page');
    expect(server.seen).toHaveLength(1);
  });

  it('bytes responses come back as Uint8Array', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]));
    });
    const bytes = await firstValueFrom(
      client().request<Uint8Array>('GET', '/api/w.png', { responseType: 'bytes' }),
    );
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes)).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 255]);
  });
});

describe('cancellation', () => {
  const waitFor = async (check: () => boolean, ms = 2000): Promise<void> => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('unsubscribing aborts the in-flight request (the server sees the socket close)', async () => {
    server.setHandler((_req, res) => setTimeout(() => res.writableEnded || json(res, 200, {}), 1000));
    const sub = client().request('GET', '/api/slow.json').subscribe();
    await waitFor(() => server.seen.length === 1);
    const started = Date.now();
    sub.unsubscribe();
    await waitFor(() => server.seen[0]?.aborted === true);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('an AbortSignal aborts with AbortedError, also during a backoff delay', async () => {
    server.setHandler((_req, res) => setTimeout(() => res.writableEnded || json(res, 200, {}), 1000));
    const controller = new AbortController();
    const p = errorOf(
      firstValueFrom(client().request('GET', '/api/slow.json', { signal: controller.signal })),
    );
    await waitFor(() => server.seen.length === 1);
    controller.abort();
    expect(await p).toBeInstanceOf(AbortedError);
    await waitFor(() => server.seen[0]?.aborted === true);

    server.seen.length = 0;
    server.setHandler((_req, res) => json(res, 503, {}, { 'retry-after': '5' }));
    const c2 = new AbortController();
    const slow = client({ retry: { baseDelayMs: 1, maxDelayMs: 10_000 } });
    const started = Date.now();
    const p2 = errorOf(firstValueFrom(slow.request('GET', '/api/x.json', { signal: c2.signal })));
    await waitFor(() => server.seen.length === 1);
    setTimeout(() => c2.abort(), 20);
    expect(await p2).toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.seen).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const error = await errorOf(
      firstValueFrom(client().request('GET', '/api/x.json', { signal: AbortSignal.abort() })),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(server.seen).toHaveLength(0);
  });

  it('unsubscribing a concurrent listing aborts every page in flight', async () => {
    server.setHandler((_req, res, url) => {
      const offset = Number(url.searchParams.get('offset'));
      const page = { collection: [{ id: offset }], size: 10 };
      if (offset === 0) json(res, 200, page);
      else setTimeout(() => res.writableEnded || json(res, 200, page), 1000);
    });
    const got: unknown[] = [];
    const sub = client()
      .paginate('/api/list.json', undefined, { pageSize: 1, concurrency: 3 })
      .subscribe((x) => got.push(x));
    await waitFor(() => server.seen.length === 4);
    sub.unsubscribe();
    await waitFor(() => server.seen.slice(1).every((s) => s.aborted));
    expect(got).toEqual([{ id: 0 }]);
    await lastValueFrom(
      client()
        .request('GET', '/api/list.json', { query: { offset: 0 } })
        .pipe(toArray()),
    );
  });
});
