import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import polygonClipping from 'polygon-clipping';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import { clipGeometryToRect } from '../../src/geometry/clip-rect.js';
import { repairGeometry } from '../../src/geometry/repair.js';
import { parseWkt } from '../../src/operators/parse-wkt.js';
import { toImageSpace } from '../../src/operators/to-image-space.js';
import type { Feature, Geometry, Position } from '../../src/pipeline/types.js';
import { listAnnotations } from '../../src/resources/annotations.js';
import type { ImageInstance } from '../../src/resources/types.js';
import { createAnnotations } from '../../src/upload/create-annotations.js';
import { openLedger } from '../../src/upload/ledger.js';
import type { UploadItem, UploadResult } from '../../src/upload/types.js';

let emu: Emulator;
let client: CytomineClient;
let me: number;
let imageA: ImageInstance;
let imageB: ImageInstance;
let empty: ImageInstance;
let terms: number[];
const dirs: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 11,
      projects: 1,
      imagesPerProject: 3,
      annotationsPerImage: 60,
      imageSize: { width: 3000, height: 2000 },
    },
  });
  const d = emu.dataset;
  // Image 3 starts empty: counts on it are exactly what the upload created.
  const third = d.images[2]!.id;
  d.annotations = d.annotations.filter((a) => a.image !== third);
  client = createClient({
    host: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  me = d.users.find((u) => u.publicKey === emu.publicKey)!.id;
  const asImage = (i: (typeof d.images)[number]): ImageInstance => ({
    ...i,
    id: i.id,
    width: i.width,
    height: i.height,
  });
  [imageA, imageB, empty] = d.images.map(asImage) as [ImageInstance, ImageInstance, ImageInstance];
  terms = d.terms.filter((t) => t.ontology === d.projects[0]!.ontology).map((t) => t.id);
});
afterAll(async () => {
  await client.close();
  await emu.close();
});
beforeEach(() => {
  emu.setFaults({});
  emu.resetStats();
});
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cytorx-upload-'));
  dirs.push(d);
  return d;
};
const square = (x: number, y: number, s: number): Geometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
});
const run = (
  items: UploadItem[],
  options: Parameters<typeof createAnnotations>[1] = {},
): Promise<UploadResult[]> =>
  lastValueFrom(from(items).pipe(createAnnotations(client, { userId: me, ...options }), toArray()));
const onImage = (id: number) => emu.dataset.annotations.filter((a) => a.image === id && a.user === me);

describe.each(['spring', 'grails'] as const)('createAnnotations (%s batch answers)', (style) => {
  beforeEach(() => emu.setBatchStyle(style));

  it('creates, refuses locally, maps server refusals (206) and reports one result per item', async () => {
    const base = onImage(empty.id).length;
    const items: UploadItem[] = [
      { imageId: empty.id, termIds: [terms[0]!], geometry: square(10, 10, 40), label: 'ok-1' },
      { imageId: empty.id, termIds: [], geometry: square(100, 10, 0.5), label: 'thin' },
      { imageId: empty.id, termIds: [999_999], geometry: square(200, 10, 40), label: 'bad-term' },
      {
        imageId: empty.id,
        termIds: [terms[1]!],
        geometry: { type: 'Point', coordinates: [5, 7] },
        label: 'point',
      },
      {
        imageId: empty.id,
        termIds: [terms[0]!],
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [300, 300],
              [340, 340],
              [340, 300],
              [300, 340],
              [300, 300],
            ],
          ],
        },
        label: 'bowtie',
      },
      {
        imageId: empty.id,
        termIds: [],
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 5],
            [50, 60],
          ],
        },
        label: 'line',
      },
      { imageId: 424242, termIds: [], geometry: square(1, 1, 10), label: 'no-image' },
    ];
    const results = await run(items, { batchSize: 10 });
    expect(results).toHaveLength(items.length);
    const by = new Map(results.map((r) => [r.item.label, r]));
    expect(by.get('thin')).toMatchObject({ status: 'refused', reason: 'Annotation dimension not valid' });
    expect(by.get('bad-term')?.status).toBe('refused');
    expect(by.get('bad-term')?.reason).toMatch(/Term 999999 not found/);
    expect(by.get('no-image')).toMatchObject({ status: 'refused', reason: 'image 424242 not found' });
    expect(by.get('bowtie')?.notes?.[0]).toMatch(/^repaired/);
    const created = results.filter((r) => r.status === 'created');
    expect(created.map((r) => r.item.label).sort()).toEqual(['bowtie', 'line', 'ok-1', 'point']);
    // Every id points at the annotation made from its item: same terms, y flipped (H = 2000).
    for (const r of created) {
      const a = emu.dataset.annotations.find((x) => x.id === r.annotationId)!;
      expect(a.image).toBe(empty.id);
      expect(a.terms.map((t) => t.term).sort()).toEqual([...r.item.termIds].sort());
    }
    const point = emu.dataset.annotations.find((x) => x.id === by.get('point')?.annotationId);
    expect(point?.location).toBe('POINT (5 1993)');
    expect(onImage(empty.id).length - base).toBe(4);
    expect(emu.stats().writes).toBe(4);
  });

  it('maps a fully refused batch item by item (400)', async () => {
    const items: UploadItem[] = [1, 2, 3].map((k) => ({
      imageId: empty.id,
      termIds: [999_990 + k],
      geometry: square(50 * k, 500, 30),
      label: `t${k}`,
    }));
    const results = await run(items);
    expect(results.map((r) => [r.item.label, r.status, r.reason]).sort()).toEqual([
      ['t1', 'refused', 'Term 999991 not found'],
      ['t2', 'refused', 'Term 999992 not found'],
      ['t3', 'refused', 'Term 999993 not found'],
    ]);
    expect(emu.stats().writes).toBe(0);
  });

  it('round trip: the annotations of image A uploaded to image B come back with the same geometries', async () => {
    const source = await lastValueFrom(
      listAnnotations(client, { image: imageA.id, showWKT: true, showTerm: true }).pipe(
        parseWkt({ images: imageA }),
        toImageSpace(),
        toArray(),
      ),
    );
    expect(source.length).toBeGreaterThan(20);
    const items = source.map(
      (f: Feature): UploadItem => ({
        imageId: imageB.id,
        geometry: f.geometry,
        termIds: f.termIds,
        label: String(f.id),
      }),
    );
    const before = new Set(onImage(imageB.id).map((a) => a.id));
    const results = await run(items, { batchSize: 16 });
    expect(results).toHaveLength(items.length);
    for (const r of results) {
      if (r.status !== 'created') {
        expect(r.status).toBe('refused');
        expect(r.reason).toMatch(/Annotation dimension not valid|outside the image|no area left/);
      }
    }
    const created = results.filter((r) => r.status === 'created');
    expect(created.length).toBeGreaterThan(source.length * 0.7);
    const back = await lastValueFrom(
      listAnnotations(client, { image: imageB.id, users: [me], showWKT: true, showTerm: true }).pipe(
        parseWkt({ images: imageB }),
        toImageSpace(),
        toArray(),
      ),
    );
    const fresh = back.filter((f) => !before.has(f.annotationId));
    expect(fresh).toHaveLength(created.length);
    const byId = new Map(fresh.map((f) => [f.annotationId, f]));
    const sourceById = new Map(source.map((f) => [String(f.id), f]));
    for (const r of created) {
      const got = byId.get(r.annotationId!)!;
      const want = sourceById.get(r.item.label!)!;
      expect(got.termIds.slice().sort()).toEqual(want.termIds.slice().sort());
      expectSameShape(got.geometry, expected(want.geometry, imageA));
    }
  });
});

/** What the server keeps of a geometry: repaired (even-odd) and clipped to the image. */
function expected(g: Geometry, image: ImageInstance): Geometry {
  const r = repairGeometry(g);
  const valid = r.ok ? r.geometry : g;
  return clipGeometryToRect(valid, [0, 0, image.width, image.height]) ?? valid;
}

function polygons(g: Geometry): Position[][][] | undefined {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return undefined;
}

function area(ps: Position[][][]): number {
  let s = 0;
  for (const p of ps)
    p.forEach((ring, i) => {
      let a = 0;
      for (let k = 0; k + 1 < ring.length; k++)
        a += ring[k]![0] * ring[k + 1]![1] - ring[k + 1]![0] * ring[k]![1];
      s += (i === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  return s;
}

function expectSameShape(got: Geometry, want: Geometry): void {
  const a = polygons(got);
  const b = polygons(want);
  if (a && b) {
    const diff = area(polygonClipping.xor(a, b) as Position[][][]);
    expect(diff).toBeLessThan(1e-6 * Math.max(1, area(b)));
    return;
  }
  expect(got).toEqual(want);
}

describe('createAnnotations: idempotence and failures', () => {
  it('skips what the ledger holds on a rerun and sends nothing', async () => {
    const path = join(tmp(), 'ledger.jsonl');
    const items: UploadItem[] = Array.from({ length: 30 }, (_, k) => ({
      imageId: empty.id,
      termIds: [terms[k % terms.length]!],
      geometry: square(20 * k, 1000, 15),
    }));
    const ledger = openLedger(path);
    const first = await run(items, { ledger, batchSize: 7 });
    ledger.close();
    expect(first.every((r) => r.status === 'created')).toBe(true);
    emu.resetStats();
    const again = openLedger(path);
    const second = await run(items, { ledger: again });
    again.close();
    expect(second.every((r) => r.status === 'skipped')).toBe(true);
    expect(new Set(second.map((r) => r.annotationId))).toEqual(new Set(first.map((r) => r.annotationId)));
    expect(emu.stats().writes).toBe(0);
  });

  it('after a crash (sent, outcome never recorded) a rerun creates only what is missing', async () => {
    const path = join(tmp(), 'ledger.jsonl');
    const items: UploadItem[] = Array.from({ length: 20 }, (_, k) => ({
      imageId: empty.id,
      termIds: [],
      geometry: square(20 * k, 1200, 12),
    }));
    const ledger = openLedger(path);
    await run(items.slice(0, 12), { ledger, batchSize: 12 });
    ledger.close();
    // Simulate a crash between the POST and the ledger write: keep only the pending lines.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, `${lines.filter((l) => l.includes('"pending"')).join('\n')}\n`);
    emu.resetStats();
    const count = onImage(empty.id).length;
    const again = openLedger(path);
    const results = await run(items, { ledger: again, batchSize: 12 });
    again.close();
    expect(results.filter((r) => r.status === 'created')).toHaveLength(20);
    expect(emu.stats().writes).toBe(8);
    expect(onImage(empty.id).length - count).toBe(8);
  });

  it('with 20% injected failures (resets after the write included) 5,000 features end as exactly 5,000 annotations', async () => {
    const path = join(tmp(), 'ledger.jsonl');
    const target = emu.dataset.images[2]!.id;
    emu.dataset.annotations = emu.dataset.annotations.filter((a) => a.image !== target);
    const items: UploadItem[] = [];
    for (let k = 0; k < 5000; k++) {
      // 20 identical pairs: identical items are distinct annotations, never merged.
      const j = k >= 4960 ? k - 40 : k;
      items.push({
        imageId: target,
        termIds: [terms[j % terms.length]!],
        geometry: square((j % 100) * 29, Math.floor(j / 100) * 39, 20),
      });
    }
    emu.setFaults({ failureRate: 0.1, resetRate: 0.05, resetAfterWriteRate: 0.05, seed: 3 });
    let ledger = openLedger(path);
    let results = await run(items, { ledger, batchSize: 100, concurrency: 4 });
    ledger.close();
    expect(results).toHaveLength(5000);
    const faults = emu.stats();
    expect(faults.failuresInjected + faults.resetsInjected).toBeGreaterThan(10);
    let reruns = 0;
    if (results.some((r) => r.status !== 'created')) {
      reruns++;
      ledger = openLedger(path);
      results = await run(items, { ledger, batchSize: 100 });
      ledger.close();
    }
    expect(reruns).toBeLessThanOrEqual(1);
    expect(results.every((r) => r.status === 'created' || r.status === 'skipped')).toBe(true);
    emu.setFaults({});
    const onServer = onImage(target);
    expect(onServer).toHaveLength(5000);
    const ids = new Set(results.map((r) => r.annotationId));
    expect(ids.size).toBe(5000);
    expect(new Set(onServer.map((a) => a.id))).toEqual(ids);
  });
});

describe('createAnnotations against a server with a small body limit', () => {
  it('halves batches answered 413 and refuses an item too large on its own', async () => {
    const small = await startEmulator({
      dataset: {
        seed: 2,
        projects: 1,
        imagesPerProject: 1,
        annotationsPerImage: 0,
        imageSize: { width: 3000, height: 2000 },
      },
      maxBodyBytes: 4000,
    });
    const c = createClient({ host: small.url, publicKey: small.publicKey, privateKey: small.privateKey });
    try {
      const image = small.dataset.images[0]!.id;
      const items: UploadItem[] = Array.from({ length: 40 }, (_, k) => ({
        imageId: image,
        termIds: [],
        geometry: square(30 * k, 10, 20),
      }));
      const ring: Position[] = Array.from({ length: 600 }, (_, i) => {
        const a = (2 * Math.PI * i) / 600;
        return [1500 + 400 * Math.cos(a), 1000 + 400 * Math.sin(a)] as Position;
      });
      items.push({
        imageId: image,
        termIds: [],
        geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]!]] },
        label: 'huge',
      });
      const results = await lastValueFrom(
        from(items).pipe(createAnnotations(c, { maxBatchBytes: 1e6, maxVertices: 5000 }), toArray()),
      );
      expect(results.filter((r) => r.status === 'created')).toHaveLength(40);
      expect(results.find((r) => r.item.label === 'huge')).toMatchObject({ status: 'refused' });
      expect(results.find((r) => r.item.label === 'huge')?.reason).toMatch(/413/);
      expect(small.dataset.annotations).toHaveLength(40);
    } finally {
      await c.close();
      await small.close();
    }
  });
});
