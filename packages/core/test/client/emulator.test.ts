// Loopback tests of the client against @cytorx/emulator (a Cytomine-compatible server that
// shares no code with the client).
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { firstValueFrom, lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { AuthMode, ClientEvent, ClientOptions, CytomineClient } from '../../src/client/types.js';
import { AuthError } from '../../src/errors/auth-error.js';
import { listAnnotations } from '../../src/resources/annotations.js';
import { currentUser } from '../../src/resources/current-user.js';
import { listImages } from '../../src/resources/images.js';
import { listProjects } from '../../src/resources/projects.js';
import { listTerms } from '../../src/resources/terms.js';

const PAGE = 5;
// Annotations per image: 0, 1, page-1, page, page+1, 2*page+1 (and a larger one).
const SIZES = [0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE + 1, 37];

let emu: Emulator;
const clients: CytomineClient[] = [];
let imageIds: number[] = [];

function client(options: Partial<ClientOptions> = {}): CytomineClient {
  const c = createClient({
    host: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    token: emu.token,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 12 },
    pageSize: PAGE,
    ...options,
  });
  clients.push(c);
  return c;
}
const all = <T>(o: Observable<T>): Promise<T[]> => lastValueFrom(o.pipe(toArray()));

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 7,
      projects: 1,
      imagesPerProject: SIZES.length,
      annotationsPerImage: 40,
      maxImageWidth: 4000,
    },
  });
  const d = emu.dataset;
  imageIds = d.images.map((i) => i.id);
  // Keep exactly SIZES[k] annotations on image k (the dataset is live: the server serves this).
  const keep = new Set<number>();
  imageIds.forEach((id, k) => {
    const mine = d.annotations.filter((a) => a.image === id).slice(0, SIZES[k]);
    for (const a of mine) keep.add(a.id);
  });
  d.annotations = d.annotations.filter((a) => keep.has(a.id));
  for (const [k, id] of imageIds.entries()) {
    expect(d.annotations.filter((a) => a.image === id)).toHaveLength(SIZES[k] ?? -1);
  }
});
afterEach(() => {
  emu.setFaults({});
  emu.resetStats();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emu.close();
});

/** The ids the server must list for an image, in its order (id descending). */
const expectedIds = (image: number): number[] =>
  emu.dataset.annotations
    .filter((a) => a.image === image)
    .map((a) => a.id)
    .sort((a, b) => b - a);

describe('auth modes against the emulator', () => {
  for (const auth of ['hmac', 'hmac-pathless', 'headers', 'bearer'] as AuthMode[]) {
    it(`${auth}: GET with a query and POST with a JSON body are accepted`, async () => {
      const c = client({ auth });
      expect((await firstValueFrom(currentUser(c))).id).toBe(emu.dataset.users[0]?.id);
      const image = imageIds[5] ?? 0;
      const viaGet = await all(listAnnotations(c, { image, terms: [], showGIS: true }));
      const viaPost = await all(listAnnotations(c, { image, showGIS: true }, { maxQueryLength: 0 }));
      expect(viaGet.map((a) => a.id)).toEqual(expectedIds(image));
      expect(viaPost).toEqual(viaGet);
      expect(emu.stats().byMethod.POST).toBeGreaterThan(0);
      expect(emu.stats().authFailures).toBe(0);
    });
  }

  it('hmac and hmac-pathless are really different signatures', async () => {
    const only = await startEmulator({
      dataset: { seed: 1, projects: 1, imagesPerProject: 1 },
      authModes: ['hmac'],
    });
    try {
      const opts = {
        host: only.url,
        publicKey: only.publicKey,
        privateKey: only.privateKey,
        retry: { baseDelayMs: 1 },
      };
      const ok = createClient({ ...opts, auth: 'hmac' });
      const ko = createClient({ ...opts, auth: 'hmac-pathless' });
      clients.push(ok, ko);
      await expect(firstValueFrom(currentUser(ok))).resolves.toMatchObject({ id: only.dataset.users[0]?.id });
      await expect(firstValueFrom(currentUser(ko))).rejects.toBeInstanceOf(AuthError);
    } finally {
      await only.close();
    }
  });

  it('a wrong key fails with AuthError after at most 2 requests, without secrets', async () => {
    const events: ClientEvent[] = [];
    const c = client({ privateKey: 'definitely-wrong', onEvent: (e) => events.push(e) });
    const error = await firstValueFrom(listProjects(c)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).authMode).toBe('hmac');
    expect(emu.stats().requests).toBeLessThanOrEqual(2);
    expect(emu.stats().authFailures).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify([String(error), (error as Error).stack, events]);
    expect(text).not.toContain('definitely-wrong');
    expect(text).not.toContain(emu.privateKey);
  });
});

describe('listing correctness', () => {
  for (const pageCap of [undefined, 1, 2, PAGE - 1, PAGE, PAGE + 1]) {
    it(`sizes ${SIZES.join(',')} with page ${PAGE}, cap ${pageCap ?? 'none'}, sequential and concurrent`, async () => {
      emu.setFaults(pageCap === undefined ? {} : { pageCap });
      for (const [k, image] of imageIds.entries()) {
        const expected = expectedIds(image);
        expect(expected).toHaveLength(SIZES[k] ?? -1);
        for (const concurrency of [1, 3]) {
          const got = await all(listAnnotations(client(), { image }, { concurrency }));
          expect(got.map((a) => a.id)).toEqual(expected);
        }
      }
    });
  }

  it('projects, images and terms list completely under a page cap', async () => {
    emu.setFaults({ pageCap: 1 });
    const c = client({ pageSize: 2 });
    expect((await all(listProjects(c))).map((p) => p.id)).toEqual(
      expect.arrayContaining(emu.dataset.projects.map((p) => p.id)),
    );
    const project = emu.dataset.projects[0]?.id ?? 0;
    const images = await all(listImages(c, project));
    expect(images.map((i) => i.id).sort()).toEqual([...imageIds].sort());
    const ontology = emu.dataset.projects[0]?.ontology ?? 0;
    const terms = await all(listTerms(c, { ontology }));
    expect(terms.map((t) => t.id).sort()).toEqual(
      emu.dataset.terms
        .filter((t) => t.ontology === ontology)
        .map((t) => t.id)
        .sort(),
    );
  });
});

describe('faults', () => {
  it('with 20% injected failures and resets every listing returns exactly the fault-free result', async () => {
    const c = client();
    const clean: unknown[][] = [];
    for (const image of imageIds) clean.push(await all(listAnnotations(c, { image, showGIS: true })));
    const cleanImages = await all(listImages(c, emu.dataset.projects[0]?.id ?? 0));

    emu.setFaults({ failureRate: 0.2, resetRate: 0.2, pageCap: 3, seed: 11 });
    const faulty = client({ pageConcurrency: 3 });
    for (const [k, image] of imageIds.entries()) {
      expect(await all(listAnnotations(faulty, { image, showGIS: true }))).toEqual(clean[k]);
    }
    expect(await all(listImages(faulty, emu.dataset.projects[0]?.id ?? 0))).toEqual(cleanImages);
    const stats = emu.stats();
    expect(stats.failuresInjected).toBeGreaterThan(0);
    expect(stats.resetsInjected).toBeGreaterThan(0);
  });

  it('unsubscribing aborts the in-flight request', async () => {
    emu.setFaults({ latencyMs: 2000 });
    const c = client();
    const sub = currentUser(c).subscribe();
    const t0 = Date.now();
    while (emu.stats().requests === 0) {
      if (Date.now() - t0 > 2000) throw new Error('the request never arrived');
      await new Promise((r) => setTimeout(r, 5));
    }
    sub.unsubscribe();
    // The pool only closes once no request is running: it closes at once when the
    // request was aborted (the emulator would answer only after 2 s).
    const started = Date.now();
    await c.close();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
