import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DatasetAnnotation, type Emulator, startEmulator } from '../src/index.js';
import { call, raw } from './helpers.js';

// The emulator caches filtered listings, item JSON and encoded windows: these tests check that
// what it answers never depends on what it answered before.
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: { seed: 5, projects: 1, imagesPerProject: 2, annotationsPerImage: 40 },
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.setFaults({});
  emu.resetStats();
});

const image = () => emu.dataset.images[0]!;
const ofImage = () => emu.dataset.annotations.filter((a) => a.image === image().id);
const idsDesc = (list: readonly DatasetAnnotation[]) => list.map((a) => a.id).reverse();
const listIds = async (query = '') => {
  const r = await call(emu, 'GET', `/api/annotation.json?image=${image().id}${query}`);
  expect(r.status).toBe(200);
  return r.json.collection.map((a: { id: number }) => a.id) as number[];
};
const listItem = async (id: number, query: string) => {
  const r = await call(emu, 'GET', `/api/annotation.json?image=${image().id}&max=0${query}`);
  return r.json.collection.find((a: { id: number }) => a.id === id);
};

describe('cached annotation listings', () => {
  it('pages of a cached listing are the slices of the whole listing', async () => {
    const all = await listIds('&max=0');
    expect(all).toEqual(idsDesc(ofImage()));
    const paged: number[] = [];
    for (let offset = 0; offset < all.length; offset += 7)
      paged.push(...(await listIds(`&max=7&offset=${offset}`)));
    expect(paged).toEqual(all);
  });

  it('sees every kind of write made through the API after the listing was cached', async () => {
    const img = image();
    const term = emu.dataset.terms[0]!.id;
    await listIds(`&terms=${term}`);
    expect(await listIds()).toEqual(idsDesc(ofImage()));

    const created = await call(emu, 'POST', '/api/annotation.json', {
      body: { image: img.id, location: 'POLYGON ((10 10, 60 10, 60 60, 10 60, 10 10))' },
    });
    expect(created.status).toBe(200);
    const id = created.json.annotation.id as number;
    expect((await listIds())[0]).toBe(id);
    expect(await listIds(`&terms=${term}`)).not.toContain(id);

    expect((await call(emu, 'POST', `/api/annotation/${id}/term/${term}.json`)).status).toBe(200);
    expect(await listIds(`&terms=${term}`)).toContain(id);
    expect((await listItem(id, '&showTerm=true')).term).toEqual([term]);
    expect((await call(emu, 'DELETE', `/api/annotation/${id}/term/${term}.json`)).status).toBe(200);
    expect(await listIds(`&terms=${term}`)).not.toContain(id);

    const moved = 'POLYGON ((100 100, 150 100, 150 150, 100 150, 100 100))';
    expect((await listItem(id, '&showWKT=true')).location).toBe(
      'POLYGON ((10 10, 60 10, 60 60, 10 60, 10 10))',
    );
    const put = await call(emu, 'PUT', `/api/annotation/${id}.json`, {
      body: { image: img.id, location: moved },
    });
    expect(put.status).toBe(200);
    expect((await listItem(id, '&showWKT=true')).location).toBe(moved);
    expect(await listIds('&bbox=90,90,160,160')).toContain(id);

    expect((await call(emu, 'DELETE', `/api/annotation/${id}.json`)).status).toBe(200);
    expect(await listIds()).toEqual(idsDesc(ofImage()));
    expect(await listIds()).not.toContain(id);
  });

  it('sees direct edits of the live dataset (array edits, shown fields)', async () => {
    const d = emu.dataset;
    const before = await listIds('&showWKT=true&showUser=true&showImage=true');
    // push and reassign the array
    const copy: DatasetAnnotation = { ...ofImage()[0]!, id: d.nextId++, terms: [] };
    d.annotations.push(copy);
    expect((await listIds())[0]).toBe(copy.id);
    d.annotations = d.annotations.filter((a) => a !== copy);
    expect(await listIds()).toEqual(before);

    // in-place edits of what the items show
    const a = ofImage().find((x, k) => k > 3 && x.terms.length > 0)!;
    const firstRow = ofImage().at(-1)!; // decides the columns: `updated` is shown when it is not null there
    const saved = {
      terms: [...a.terms],
      updated: a.updated,
      firstUpdated: firstRow.updated,
      location: a.location,
      filename: image().filename,
      user: d.users[0]!.username,
    };
    const shown = '&showMeta=true&showWKT=true&showTerm=true&showUser=true&showImage=true';
    try {
      firstRow.updated = 7;
      expect((await listItem(a.id, shown)).location).toBe(a.location); // item JSON now cached
      // one field at a time: each must be seen on its own
      a.updated = 42;
      expect((await listItem(a.id, shown)).updated).toBe(42);
      a.location = 'POINT (1 2)';
      expect((await listItem(a.id, shown)).location).toBe('POINT (1 2)');
      image().filename = 'renamed "slide".svs';
      expect((await listItem(a.id, shown)).originalFilename).toBe('renamed "slide".svs');
      for (const u of d.users) u.username = `${u.username}-x`;
      expect((await listItem(a.id, shown)).creator).toBe(d.users.find((u) => u.id === a.user)!.username);
      a.terms[0] = { ...a.terms[0]!, term: 999 };
      expect((await listItem(a.id, shown)).term).toContain(999);
    } finally {
      firstRow.updated = saved.firstUpdated;
      a.terms.splice(0, a.terms.length, ...saved.terms);
      a.updated = saved.updated;
      a.location = saved.location;
      image().filename = saved.filename;
      for (const u of d.users) u.username = u.username.slice(0, -2);
    }
    expect(d.users[0]!.username).toBe(saved.user);

    // in-place edit of a filtered field, then a new array (the documented way)
    const b = ofImage()[6]!;
    const wasReviewed = b.reviewed;
    try {
      b.reviewed = !wasReviewed;
      d.annotations = [...d.annotations];
      expect((await listIds('&reviewed=true')).includes(b.id)).toBe(!wasReviewed);
    } finally {
      b.reviewed = wasReviewed;
      d.annotations = [...d.annotations];
    }
    expect((await listIds('&reviewed=true')).includes(b.id)).toBe(wasReviewed);
  });
});

describe('clientAborts', () => {
  it('counts a request the client cancels before its response is complete', async () => {
    emu.setFaults({ latencyMs: 400 });
    const controller = new AbortController();
    const pending = raw(emu, 'GET', '/api/project.json');
    const cancelled = fetch(`${emu.url}/api/project.json`, { signal: controller.signal }).catch(
      (e: unknown) => (e as Error).name,
    );
    setTimeout(() => controller.abort(), 50);
    expect(await cancelled).toBe('AbortError');
    for (let k = 0; k < 100 && emu.stats().clientAborts === 0; k++)
      await new Promise((r) => setTimeout(r, 10));
    expect(emu.stats().clientAborts).toBe(1);
    expect(await pending).toHaveProperty('status', 200);
    expect(emu.stats().clientAborts).toBe(1);
  });

  it('does not count complete responses, failures or injected resets', async () => {
    expect((await call(emu, 'GET', '/api/project.json')).status).toBe(200);
    emu.setFaults({ failureRate: 1, failureCodes: [500] });
    expect((await call(emu, 'GET', '/api/project.json')).status).toBe(500);
    emu.setFaults({ resetRate: 1 });
    await expect(call(emu, 'GET', `/api/annotation.json?image=${image().id}`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    expect(emu.stats()).toMatchObject({ clientAborts: 0, resetsInjected: 1, failuresInjected: 1 });
  });
});

describe('image windows', () => {
  const slide = (x: number, y: number) => [x & 255, y & 255, (((x >> 8) & 15) << 4) | ((y >> 8) & 15)];
  const window = async (id: number, x: number, y: number, w: number, h: number) => {
    const r = await raw(emu, 'GET', `/api/imageinstance/${id}/window-${x}-${y}-${w}-${h}.png`);
    expect(r.status).toBe(200);
    const bytes = Buffer.from(await r.arrayBuffer());
    return { bytes, region: r.headers.get('x-cytorx-window'), png: PNG.sync.read(bytes) };
  };

  it('every pixel of windows across the 256 and 4096 px periods encodes its coordinates', async () => {
    const big = emu.dataset.images[1]!;
    expect(big.width).toBeGreaterThan(8300);
    for (const [x, y, w, h] of [
      [0, 0, 1, 1],
      [250, 4090, 13, 9],
      [4000, 250, 200, 20],
      [8190, 3800, 3, 600],
    ] as const) {
      const { png } = await window(big.id, x, y, w, h);
      expect([png.width, png.height]).toEqual([w, h]);
      for (let j = 0; j < h; j++) {
        for (let i = 0; i < w; i++) {
          const o = (j * w + i) * 4;
          const got = [png.data[o], png.data[o + 1], png.data[o + 2], png.data[o + 3]];
          if (got.join() !== [...slide(x + i, y + j), 255].join()) {
            expect({ x: x + i, y: y + j, got }).toEqual({
              x: x + i,
              y: y + j,
              got: [...slide(x + i, y + j), 255],
            });
          }
        }
      }
    }
  });

  it('windows one slide period apart have the same pixels and their own region header', async () => {
    const big = emu.dataset.images[1]!;
    const a = await window(big.id, 300, 500, 64, 48);
    const b = await window(big.id, 300 + 4096, 500 + 4096, 64, 48);
    const c = await window(image().id, 300, 500, 64, 48);
    expect(a.region).toBe('300,500,64,48');
    expect(b.region).toBe('4396,4596,64,48');
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(c.bytes.equals(a.bytes)).toBe(true);
    const again = await window(big.id, 301, 500, 64, 48);
    expect(again.bytes.equals(a.bytes)).toBe(false);
    expect([again.png.data[0], again.png.data[1]]).toEqual(slide(301, 500).slice(0, 2));
  });
});
