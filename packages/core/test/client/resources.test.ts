import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { getAnnotation, listAnnotations } from '../../src/resources/annotations.js';
import { currentUser } from '../../src/resources/current-user.js';
import { getImageWindow } from '../../src/resources/image-window.js';
import { getImage, listImages } from '../../src/resources/images.js';
import { getOntology } from '../../src/resources/ontologies.js';
import { getProject, listProjects } from '../../src/resources/projects.js';
import { listTerms } from '../../src/resources/terms.js';
import { envelope, json, PRIV, PUB, startTestServer, type TestServer } from './loopback-server.js';

let server: TestServer;
let client: CytomineClient;

beforeAll(async () => {
  server = await startTestServer((_req, res) => json(res, 404, {}));
  client = createClient({ host: server.url, publicKey: PUB, privateKey: PRIV, retry: { baseDelayMs: 1 } });
});
afterAll(async () => {
  await client.close();
  await server.close();
});
beforeEach(() => {
  server.seen.length = 0;
});
const all = <T>(o: import('rxjs').Observable<T>): Promise<T[]> => lastValueFrom(o.pipe(toArray()));

describe('resources', () => {
  it('currentUser falls back to /api/currentuser.json on 404', async () => {
    server.setHandler((req, res) =>
      req.url === '/api/currentuser.json'
        ? json(res, 200, { id: 5, username: 'alice', created: '1700000000000' })
        : json(res, 404, { errors: { message: 'no route' } }),
    );
    await expect(firstValueFrom(currentUser(client))).resolves.toEqual({
      id: 5,
      username: 'alice',
      created: 1700000000000,
    });
    expect(server.seen.map((s) => s.url)).toEqual(['/api/user/current.json', '/api/currentuser.json']);
  });

  it('currentUser does not fall back on 401', async () => {
    server.setHandler((_req, res) => json(res, 401, {}));
    await expect(firstValueFrom(currentUser(client))).rejects.toMatchObject({ code: 'CYTORX_AUTH' });
    expect(server.seen).toHaveLength(1);
  });

  it('projects, images, terms, ontology hit the documented routes', async () => {
    server.setHandler((req, res, url) => {
      if (url.pathname === '/api/project.json') json(res, 200, [{ id: 1, name: 'p', created: '10' }]);
      else if (url.pathname.endsWith('/imageinstance.json') || url.pathname.endsWith('/term.json'))
        json(res, 200, envelope(url, 3));
      else json(res, 200, { id: Number(/\d+/.exec(req.url ?? '')?.[0]), name: 'x', width: 1, height: 1 });
    });
    expect(await all(listProjects(client))).toEqual([{ id: 1, name: 'p', created: 10 }]);
    expect((await all(listImages(client, 12))).map((i) => i.id)).toEqual([0, 1, 2]);
    expect(await all(listTerms(client, { ontology: 7 }))).toHaveLength(3);
    expect(await all(listTerms(client, { project: 12 }))).toHaveLength(3);
    expect((await firstValueFrom(getProject(client, 12))).id).toBe(12);
    expect((await firstValueFrom(getOntology(client, 7))).id).toBe(7);
    expect((await firstValueFrom(getImage(client, 503))).id).toBe(503);
    expect(server.seen.map((s) => new URL(s.url, 'http://x').pathname)).toEqual([
      '/api/project.json',
      '/api/project/12/imageinstance.json',
      '/api/ontology/7/term.json',
      '/api/project/12/term.json',
      '/api/project/12.json',
      '/api/ontology/7.json',
      '/api/imageinstance/503.json',
    ]);
  });

  it('rejects bad ids without a request', async () => {
    await expect(firstValueFrom(getProject(client, -1))).rejects.toBeInstanceOf(ConfigError);
    await expect(firstValueFrom(getImage(client, 1.5))).rejects.toBeInstanceOf(ConfigError);
    expect(server.seen).toHaveLength(0);
  });

  it('listAnnotations sends filters comma-joined and normalises the quirks', async () => {
    server.setHandler((_req, res) =>
      json(res, 200, {
        collection: [
          { id: 9, term: 4, created: 1700000000000, updated: null, image: 3 },
          { id: 8, created: 1600000000000, image: 3 },
        ],
        size: 2,
      }),
    );
    const items = await all(
      listAnnotations(client, { image: 3, terms: [4, 5], users: [1, 2], showTerm: false }),
    );
    expect(items).toEqual([
      { id: 9, term: [4], created: 1700000000000, image: 3 },
      { id: 8, term: [], created: 1600000000000, image: 3 },
    ]);
    expect(server.seen[0]?.method).toBe('GET');
    expect(server.seen[0]?.url).toBe(
      '/api/annotation.json?image=3&users=1,2&terms=4,5&showMeta=true&showWKT=true&max=1000&offset=0',
    );
  });

  it('listAnnotations switches to POST /api/annotation/search.json when the query is long', async () => {
    server.setHandler((_req, res, url) => json(res, 200, envelope(url, 7)));
    const images = Array.from({ length: 600 }, (_, i) => 100000 + i);
    const items = await all(listAnnotations(client, { images, terms: [1] }, { pageSize: 3, concurrency: 2 }));
    expect(items.map((a) => a.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(server.seen.every((s) => s.method === 'POST')).toBe(true);
    const first = server.seen[0];
    expect(first?.url).toBe('/api/annotation/search.json?max=3&offset=0');
    expect(first?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(first?.body ?? '{}') as Record<string, unknown>;
    expect(body.images).toBe(images.join(','));
    expect(body.terms).toBe('1');
    expect(body.showWKT).toBe(true);
  });

  it('listAnnotations needs a container filter', async () => {
    await expect(firstValueFrom(listAnnotations(client, { terms: [1] }))).rejects.toBeInstanceOf(ConfigError);
  });

  it('getAnnotation normalises string dates', async () => {
    server.setHandler((_req, res) =>
      json(res, 200, { id: 77, created: '1700000000000', updated: '1700000000001', term: [1, 2] }),
    );
    expect(await firstValueFrom(getAnnotation(client, 77))).toEqual({
      id: 77,
      created: 1700000000000,
      updated: 1700000000001,
      term: [1, 2],
    });
  });

  it('getImageWindow downloads window-x-y-w-h.fmt as bytes', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(Buffer.from([1, 2, 3]));
    });
    const bytes = await firstValueFrom(
      getImageWindow(client, 503, { x: 10, y: 20, width: 30, height: 40, format: 'jpg' }),
    );
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
    expect(server.seen[0]?.url).toBe('/api/imageinstance/503/window-10-20-30-40.jpg');
    await expect(
      firstValueFrom(getImageWindow(client, 503, { x: -1, y: 0, width: 1, height: 1 })),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
