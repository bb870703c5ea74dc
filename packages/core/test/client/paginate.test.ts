import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import { BadResponseError } from '../../src/errors/bad-response-error.js';
import { envelope, json, PRIV, PUB, startTestServer, type TestServer } from './loopback-server.js';

let server: TestServer;
let client: CytomineClient;

beforeAll(async () => {
  server = await startTestServer((_req, res) => json(res, 500, {}));
  client = createClient({ host: server.url, publicKey: PUB, privateKey: PRIV, retry: { baseDelayMs: 1 } });
});
afterAll(async () => {
  await client.close();
  await server.close();
});
beforeEach(() => {
  server.seen.length = 0;
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const ids = async (pageSize: number, concurrency: number): Promise<number[]> =>
  (
    await lastValueFrom(
      client.paginate<{ id: number }>('/api/list.json', undefined, { pageSize, concurrency }).pipe(toArray()),
    )
  ).map((x) => x.id);

describe('paginate: every size, page size, page cap and concurrency', () => {
  const page = 5;
  const sizes = [0, 1, page - 1, page, page + 1, 2 * page + 1, 23];
  const caps = [undefined, 1, 2, 3, page - 1, page, page + 1];
  for (const size of sizes) {
    for (const cap of caps) {
      it(`size ${size}, page ${page}, cap ${cap ?? 'none'}`, async () => {
        server.setHandler((_req, res, url) => json(res, 200, envelope(url, size, cap)));
        expect(await ids(page, 1)).toEqual(range(size));
        expect(await ids(page, 3)).toEqual(range(size));
        // the server's "everything" (max=0) also works
        expect(await ids(0, 3)).toEqual(range(size));
      });
    }
  }

  it('never asks the same offset twice when nothing goes wrong (sequential, capped)', async () => {
    server.setHandler((_req, res, url) => json(res, 200, envelope(url, 11, 3)));
    expect(await ids(5, 1)).toEqual(range(11));
    const offsets = server.seen.map((s) => new URL(s.url, 'http://x').searchParams.get('offset'));
    expect(offsets).toEqual(['0', '3', '6', '9']);
  });

  it('plans concurrent pages from the observed first-page length under a cap', async () => {
    server.setHandler((_req, res, url) => json(res, 200, envelope(url, 11, 3)));
    expect(await ids(5, 4)).toEqual(range(11));
    const asked = server.seen.map((s) => new URL(s.url, 'http://x').searchParams);
    expect(asked.map((q) => q.get('offset')).sort()).toEqual(['0', '3', '6', '9']);
    expect(asked.filter((q) => q.get('offset') !== '0').map((q) => q.get('max'))).toEqual(
      expect.arrayContaining(['3', '2']),
    );
  });

  it('fills the gap when a page comes back shorter than planned', async () => {
    // A server whose cap changes: 5 on the first page, 2 afterwards.
    server.setHandler((_req, res, url) => {
      const offset = Number(url.searchParams.get('offset'));
      json(res, 200, envelope(url, 17, offset === 0 ? 5 : 2));
    });
    expect(await ids(5, 3)).toEqual(range(17));
    expect(await ids(5, 1)).toEqual(range(17));
  });

  it('emits in server order even when later pages answer first', async () => {
    server.setHandler((_req, res, url) => {
      const offset = Number(url.searchParams.get('offset'));
      setTimeout(() => json(res, 200, envelope(url, 40)), offset === 10 ? 60 : 5);
    });
    expect(await ids(10, 4)).toEqual(range(40));
  });

  it('a bare JSON array is one complete page', async () => {
    server.setHandler((_req, res) => json(res, 200, [{ id: 1 }, { id: 2 }]));
    expect(await ids(1, 4)).toEqual([1, 2]);
    expect(server.seen).toHaveLength(1);
  });

  it('without size, pages until an empty page', async () => {
    server.setHandler((_req, res, url) => {
      const { collection } = envelope(url, 7) as { collection: unknown[] };
      json(res, 200, { collection });
    });
    expect(await ids(3, 4)).toEqual(range(7));
    expect(server.seen).toHaveLength(4); // 3 + 3 + 1 + empty
  });

  it('take(n) stops paging (next page only fetched when needed)', async () => {
    server.setHandler((_req, res, url) => json(res, 200, envelope(url, 1000)));
    const first = await lastValueFrom(
      client
        .paginate('/api/list.json', undefined, { pageSize: 10, concurrency: 1 })
        .pipe(take(15), toArray()),
    );
    expect(first).toHaveLength(15);
    expect(server.seen).toHaveLength(2);
    server.seen.length = 0;
    await firstValueFrom(client.paginate('/api/list.json', undefined, { pageSize: 10, concurrency: 4 }));
    expect(server.seen).toHaveLength(1);
  });

  it('keeps other query parameters and sends max/offset once', async () => {
    server.setHandler((_req, res, url) => json(res, 200, envelope(url, 2)));
    await lastValueFrom(
      client
        .paginate('/api/list.json', { image: 3, terms: [1, 2], max: 99, offset: 7 }, { pageSize: 5 })
        .pipe(toArray()),
    );
    expect(server.seen[0]?.url).toBe('/api/list.json?image=3&terms=1,2&max=5&offset=0');
  });

  it('a malformed page fails with BadResponseError and is not retried', async () => {
    server.setHandler((_req, res) => json(res, 200, { size: 3, items: [] }));
    await expect(ids(5, 1)).rejects.toBeInstanceOf(BadResponseError);
    expect(server.seen).toHaveLength(1);
    server.seen.length = 0;
    server.setHandler((_req, res) => json(res, 200, { collection: 'nope', size: 1 }));
    await expect(ids(5, 1)).rejects.toThrow(/collection/);
    server.seen.length = 0;
    server.setHandler((_req, res) => json(res, 200, 42));
    await expect(ids(5, 1)).rejects.toBeInstanceOf(BadResponseError);
    expect(server.seen).toHaveLength(1);
  });

  it('a failing later page fails the listing after the items before it', async () => {
    server.setHandler((_req, res, url) =>
      url.searchParams.get('offset') === '10'
        ? json(res, 400, { errors: { message: 'bad' } })
        : json(res, 200, envelope(url, 30)),
    );
    const got: number[] = [];
    const error = await new Promise<unknown>((resolve) => {
      client
        .paginate<{ id: number }>('/api/list.json', undefined, { pageSize: 5, concurrency: 2 })
        .subscribe({ next: (x) => got.push(x.id), error: resolve, complete: () => resolve(undefined) });
    });
    expect(String(error)).toMatch(/GET \/api\/list\.json\?max=5&offset=10 failed with 400: bad/);
    expect(got).toEqual(range(10));
  });
});
