import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Geometry, Position, Project } from '@cytorx/core';
import {
  type CompressedRle,
  cocoWriter,
  createWriterContext,
  geometryToRings,
  rasterizeSpans,
  rleArea,
  rleDecode,
  rleFromString,
  rleFrPoly,
  rleMerge,
  rleToBbox,
  writeTo,
} from '@cytorx/writers';
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  batch,
  CLASSES,
  feature,
  image,
  listFiles,
  readJson,
  rectRing,
  ring,
  tempContext,
  tileBatch,
} from '../contract/fixtures.js';

interface CocoAnn {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: number[][] | CompressedRle;
  area: number;
  bbox: [number, number, number, number];
  iscrowd: number;
  annotation_id: number;
}
interface Coco {
  info: Record<string, unknown>;
  licenses: unknown[];
  images: { id: number; file_name: string; width: number; height: number; [k: string]: unknown }[];
  annotations: CocoAnn[];
  categories: { id: number; name: string; supercategory: string }[];
}

/**
 * Brute-force oracle of the cytorx pixel rule, independent of the scanline code: per pixel
 * centre, even-odd over all rings, the §C.5 predicate on coordinates snapped to 1/256 px.
 */
function oracleMask(geometry: Geometry, w: number, h: number): Uint8Array {
  const S = 256;
  const rings = geometryToRings(geometry)
    .filter((r) => r.length >= 6)
    .map((r) => r.map((v) => Math.round(v * S)));
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const cy = y * S + S / 2;
    for (let x = 0; x < w; x++) {
      const cx = x * S + S / 2;
      let inside = false;
      for (const r of rings) {
        const n = r.length / 2;
        for (let i = 0; i < n; i++) {
          let x0 = r[2 * i]!;
          let y0 = r[2 * i + 1]!;
          let x1 = r[(2 * i + 2) % r.length]!;
          let y1 = r[(2 * i + 3) % r.length]!;
          if (y0 === y1) continue;
          if (y0 > y1) [x0, y0, x1, y1] = [x1, y1, x0, y0];
          if (!(y0 <= cy && cy < y1)) continue;
          if ((cy - y0) * (x1 - x0) > (cx - x0) * (y1 - y0)) inside = !inside;
        }
      }
      if (inside) mask[y * w + x] = 1;
    }
  }
  return mask;
}

function rasterizerMask(geometry: Geometry, w: number, h: number): Uint8Array {
  const mask = new Uint8Array(w * h);
  rasterizeSpans(geometryToRings(geometry), w, h, (y, x0, x1) => mask.fill(1, y * w + x0, y * w + x1));
  return mask;
}

function tightBox(mask: Uint8Array, w: number): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  mask.forEach((v, i) => {
    if (!v) return;
    const x = i % w;
    const y = (i - x) / w;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  });
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
const flat = (r: Position[]) => r.slice(0, -1).flat();

const square: Geometry = { type: 'Polygon', coordinates: [rectRing(2, 3, 12, 13)] };
const slanted: Geometry = { type: 'Polygon', coordinates: [ring([3.3, 1.7], [30.1, 9.25], [12.5, 40.6])] };
const donut: Geometry = {
  type: 'Polygon',
  coordinates: [rectRing(20, 4, 44, 30), ring([26.5, 9.5], [38, 10], [31, 24.75])],
};
const disjoint: Geometry = {
  type: 'MultiPolygon',
  coordinates: [[rectRing(1, 30, 9, 40)], [ring([50.5, 30], [62, 33], [55, 46.5])]],
};
const overlapping: Geometry = {
  type: 'MultiPolygon',
  coordinates: [[rectRing(10, 10, 30, 30)], [rectRing(20, 20, 40, 40)]],
};
const subPixel: Geometry = { type: 'Polygon', coordinates: [ring([5.6, 5.6], [5.9, 5.6], [5.7, 5.9])] };
const shifted: Geometry = { type: 'Polygon', coordinates: [rectRing(50, 40, 80, 60)] }; // partly off a 64x48 canvas

describe('cocoWriter', () => {
  it('writes images, categories and annotations that parse back and match the batches and the pixel rule', async () => {
    const ctx = await tempContext();
    const img1 = image(1, 64, 48);
    const img2 = image(2, 70, 50);
    const unlabeled = feature(24, img2, square, { termIds: [], classId: 255 });
    const b1 = batch(img1, [
      feature(11, img1, square),
      feature(12, img1, donut, { termIds: [102] }),
      feature(13, img1, disjoint),
      feature(14, img1, overlapping, { termIds: [102] }),
      feature(15, img1, subPixel),
      feature(16, img1, shifted),
    ]);
    const b2 = batch(img2, [
      feature(21, img2, slanted),
      feature(22, img2, donut, { termIds: [102] }),
      feature(2_000_022, img2, donut, { termIds: [101], annotationId: 22 }),
      unlabeled,
    ]);
    const events = await lastValueFrom(from([b1, b2]).pipe(writeTo(ctx, cocoWriter())));
    expect(events).toMatchObject({ type: 'done', complete: true });
    expect(await listFiles(ctx.root)).toEqual(['coco/annotations.json']);
    const coco = await readJson<Coco>(ctx.root, 'coco/annotations.json');

    expect(coco.images).toEqual([
      { id: 1, file_name: '1.png', width: 64, height: 48 },
      { id: 2, file_name: '2.png', width: 70, height: 50 },
    ]);
    expect(coco.categories).toEqual([
      { id: 1, name: 'Tumour', supercategory: 'Demo ontology' },
      { id: 2, name: 'Stroma', supercategory: 'Demo ontology' },
      { id: 255, name: 'unlabeled', supercategory: 'Demo ontology' },
    ]);
    // The sub-pixel annotation is skipped with a DEGENERATE warning.
    expect(coco.annotations.map((a) => [a.id, a.image_id, a.category_id, a.annotation_id])).toEqual([
      [11, 1, 1, 11],
      [12, 1, 2, 12],
      [13, 1, 1, 13],
      [14, 1, 2, 14],
      [16, 1, 1, 16],
      [21, 2, 1, 21],
      [22, 2, 2, 22],
      [2_000_022, 2, 1, 2_000_022],
      [24, 2, 255, 24],
    ]);
    expect(ctx.warnings).toEqual([
      expect.objectContaining({
        code: 'DEGENERATE',
        stage: 'coco',
        annotationId: 15,
        imageId: 1,
        skipped: true,
      }),
    ]);

    const byId = new Map(coco.annotations.map((a) => [a.id, a]));
    const all = [...b1.features, ...b2.features].filter((f) => f.id !== 15);
    for (const f of all) {
      const a = byId.get(f.id)!;
      const { width: w, height: h } = f.image.id === 1 ? img1 : img2;
      const oracle = oracleMask(f.geometry, w, h);
      expect(rasterizerMask(f.geometry, w, h)).toEqual(oracle);
      expect(a.iscrowd).toBe(0);
      expect(a.area).toBe(count(oracle));
      expect(a.bbox).toEqual(tightBox(oracle, w));
      if (Array.isArray(a.segmentation)) {
        // auto: a polygon list only where pycocotools' decoder gives back exactly our mask.
        for (const r of a.segmentation) expect(r.length).toBeGreaterThanOrEqual(6);
        const decoded = rleMerge(a.segmentation.map((r) => rleFrPoly(r, h, w)));
        expect(rleDecode(decoded)).toEqual(oracle);
      } else {
        expect(a.segmentation.size).toEqual([h, w]);
        expect(typeof a.segmentation.counts).toBe('string');
        expect(rleDecode(a.segmentation)).toEqual(oracle);
        expect(rleArea(a.segmentation)).toBe(a.area);
        expect(rleToBbox(a.segmentation)).toEqual(a.bbox);
      }
    }
    // Polygons where pycocotools reads them as we paint them; RLE for holes, overlaps, and the
    // slanted triangle, whose edges pycocotools places differently (checked above either way).
    expect(byId.get(11)!.segmentation).toEqual([flat(rectRing(2, 3, 12, 13))]);
    expect(Array.isArray(byId.get(21)!.segmentation)).toBe(false);
    expect(byId.get(16)!.segmentation).toEqual([flat(rectRing(50, 40, 80, 60))]);
    expect(byId.get(16)!.bbox).toEqual([50, 40, 14, 8]); // clipped to the canvas
    for (const id of [12, 14, 22, 2_000_022]) expect(Array.isArray(byId.get(id)!.segmentation)).toBe(false);
    // The hole is really cut out, and the overlap of the two squares is empty (even-odd).
    expect(byId.get(12)!.area).toBeLessThan(24 * 26);
    expect(byId.get(14)!.area).toBe(400 + 400 - 2 * 100);
  });

  it('splits whole images deterministically from (seed, imageId) and records the assignment', async () => {
    const run = async (ids: number[], seed: number) => {
      const ctx = await tempContext();
      const batches = ids.map((id) => batch(image(id), [feature(id * 10, image(id), square)]));
      await lastValueFrom(from(batches).pipe(writeTo(ctx, cocoWriter({ split: '0.6,0.2,0.2', seed }))));
      const splits = await readJson<Record<string, string>>(ctx.root, 'coco/splits.json');
      const parts: Record<string, Coco> = {};
      for (const p of ['train', 'val', 'test']) parts[p] = await readJson<Coco>(ctx.root, `coco/${p}.json`);
      return { ctx, splits, parts };
    };
    const ids = Array.from({ length: 60 }, (_, i) => 100 + i);
    const a = await run(ids, 7);
    expect(await listFiles(a.ctx.root)).toEqual([
      'coco/splits.json',
      'coco/test.json',
      'coco/train.json',
      'coco/val.json',
    ]);
    expect(Object.keys(a.splits).map(Number)).toEqual(ids);
    for (const [part, coco] of Object.entries(a.parts)) {
      for (const im of coco.images) expect(a.splits[String(im.id)]).toBe(part);
      for (const an of coco.annotations) expect(a.splits[String(an.image_id)]).toBe(part);
      expect(coco.categories.map((c) => c.id)).toEqual([1, 2, 255]); // same categories in every part
    }
    const sizes = Object.values(a.parts).map((c) => c.images.length);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(60);
    expect(sizes[0]).toBeGreaterThan(sizes[1]!); // train is the largest part
    // Independent of order and of which other images exist.
    const b = await run([...ids.slice(10, 40)].reverse(), 7);
    for (const id of ids.slice(10, 40)) expect(b.splits[String(id)]).toBe(a.splits[String(id)]);
    // Another seed gives another assignment.
    const c = await run(ids, 8);
    expect(ids.some((id) => c.splits[String(id)] !== a.splits[String(id)])).toBe(true);
  });

  it('a split part without images: a warning gives the images per part and how they are assigned', async () => {
    const ctx = await tempContext();
    await lastValueFrom(
      from([batch(image(100), [feature(1000, image(100), square)])]).pipe(
        writeTo(ctx, cocoWriter({ split: [0.5, 0.25, 0.25], seed: 1 })),
      ),
    );
    const splits = await readJson<Record<string, string>>(ctx.root, 'coco/splits.json');
    const part = splits['100']!;
    const counts = ['train', 'val', 'test'].map((p) => `${p} ${p === part ? 1 : 0}`).join(', ');
    expect(ctx.warnings).toEqual([
      expect.objectContaining({
        code: 'OTHER',
        stage: 'coco',
        skipped: false,
        message: expect.stringContaining(`split: 1 image over 3 parts: ${counts}; `),
      }),
    ]);
    for (const p of ['train', 'val', 'test']) {
      const coco = await readJson<Coco>(ctx.root, `coco/${p}.json`);
      expect(coco.categories.map((c) => c.id)).toEqual([1, 2, 255]);
    }
  });

  it('tiles: derived image ids and file names, unique annotation ids, masks clipped to the tile', async () => {
    const ctx = await tempContext();
    const img = image(3, 64, 64);
    const big = feature(30, img, { type: 'Polygon', coordinates: [rectRing(10, 10, 50, 20)] });
    await lastValueFrom(
      from([
        tileBatch(img, { col: 0, row: 0, size: 32 }, [big]),
        tileBatch(img, { col: 1, row: 0, size: 32 }, [
          { ...big, geometry: { type: 'Polygon', coordinates: [rectRing(-22, 10, 18, 20)] } },
        ]),
      ]).pipe(writeTo(ctx, cocoWriter())),
    );
    const coco = await readJson<Coco>(ctx.root, 'coco/annotations.json');
    expect(coco.images).toEqual([
      {
        id: 30_000_000,
        file_name: '3/0_0.png',
        width: 32,
        height: 32,
        cytomine_image_id: 3,
        tile_x: 0,
        tile_y: 0,
      },
      {
        id: 30_000_001,
        file_name: '3/32_0.png',
        width: 32,
        height: 32,
        cytomine_image_id: 3,
        tile_x: 32,
        tile_y: 0,
      },
    ]);
    expect(coco.annotations.map((a) => [a.id, a.image_id, a.annotation_id, a.area, a.bbox])).toEqual([
      [1, 30_000_000, 30, 22 * 10, [10, 10, 22, 10]],
      [2, 30_000_001, 30, 18 * 10, [0, 10, 18, 10]],
    ]);
  });

  it("fileName 'original' uses the server's filename, made safe", async () => {
    const ctx = await tempContext();
    const evil = image(4, 20, 20, { originalFilename: '../../etc/passwd' });
    const fine = image(5, 20, 20, { originalFilename: 'Slide 05.svs' });
    await lastValueFrom(
      from([batch(evil, []), batch(fine, [])]).pipe(writeTo(ctx, cocoWriter({ fileName: 'original' }))),
    );
    const coco = await readJson<Coco>(ctx.root, 'coco/annotations.json');
    expect(coco.images.map((i) => i.file_name)).toEqual(['____etc_passwd', 'Slide 05.svs']);
  });

  it('features not in image space fail with a WriterError naming coco and the image', async () => {
    const ctx = await tempContext();
    const img = image(6);
    const f = { ...feature(60, img, square), frame: 'cytomine' as const };
    const err = await lastValueFrom(from([batch(img, [f])]).pipe(writeTo(ctx, cocoWriter()))).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CYTORX_WRITER', writer: 'coco', hook: 'write', item: '6' });
    expect((err as Error).message).toMatch(/image pixel space/);
    expect(await listFiles(ctx.root)).toEqual([]); // disabled writer: its partial file is discarded
  });

  it('cancellation: nothing is published', async () => {
    const controller = new AbortController();
    const ctx = await tempContext({ signal: controller.signal });
    const w = cocoWriter({ split: [0.5, 0.5] });
    await w.open!(ctx);
    await w.write(batch(image(7), [feature(70, image(7), square)]), ctx);
    controller.abort();
    const summary = await w.close(ctx);
    expect(summary.files).toEqual([]);
    expect(await listFiles(ctx.root)).toEqual([]);
  });

  it('categories: all mapped classes and unlabeled always, unmapped ids when used', async () => {
    const ctx = await tempContext();
    const img = image(8);
    const odd = feature(81, img, square, { classId: 9 });
    odd.className = 'Necrosis';
    await lastValueFrom(
      from([batch(img, [odd])]).pipe(writeTo(ctx, cocoWriter({ supercategory: 'tissue' }))),
    );
    const coco = await readJson<Coco>(ctx.root, 'coco/annotations.json');
    expect(coco.categories).toEqual([
      ...CLASSES.classes.map((c) => ({ id: c.id, name: c.name, supercategory: 'tissue' })),
      { id: 9, name: 'Necrosis', supercategory: 'tissue' },
      { id: 255, name: 'unlabeled', supercategory: 'tissue' },
    ]);
  });

  it('a project with a null ontologyName (as getProject gives it) names the supercategory after the project', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'cytorx-writers-'));
    const project: Project = { id: 3, name: 'Lung', ontologyName: null };
    const ctx = await createWriterContext({ out: root, classes: CLASSES, project });
    expect(ctx.project).toEqual({ id: 3, name: 'Lung' });
    const img = image(5);
    await lastValueFrom(from([batch(img, [feature(51, img, square)])]).pipe(writeTo(ctx, cocoWriter())));
    const coco = await readJson<Coco>(root, 'coco/annotations.json');
    expect(new Set(coco.categories.map((c) => c.supercategory))).toEqual(new Set(['Lung']));
    expect(coco.info.description).toBe('cytorx export of Cytomine project Lung');
  });

  it('whole-slide canvas (120,000 x 90,000 px): RLE without allocating the canvas', async () => {
    const ctx = await tempContext();
    const slide = image(9, 120_000, 90_000);
    const holed: Geometry = {
      type: 'Polygon',
      coordinates: [rectRing(100_000, 70_000, 103_000, 72_000), rectRing(101_000, 70_500, 102_000, 71_500)],
    };
    await lastValueFrom(from([batch(slide, [feature(90, slide, holed)])]).pipe(writeTo(ctx, cocoWriter())));
    const [a] = (await readJson<Coco>(ctx.root, 'coco/annotations.json')).annotations;
    const rle = a!.segmentation as CompressedRle;
    expect(rle.size).toEqual([90_000, 120_000]);
    expect(rleFromString(rle.counts).reduce((x, y) => x + y, 0)).toBe(120_000 * 90_000);
    expect(a!.area).toBe(3000 * 2000 - 1000 * 1000);
    expect(rleArea(rle)).toBe(a!.area);
    expect(a!.bbox).toEqual([100_000, 70_000, 3000, 2000]);
    expect(rleToBbox(rle)).toEqual(a!.bbox);
  });

  it('rejects bad options with CYTORX_CONFIG', () => {
    for (const bad of [
      { split: [] },
      { split: [0.5, -1] },
      { split: [0, 0] },
      { split: 'a,b' },
      { seed: 1.5, split: [1] },
    ]) {
      expect(() => cocoWriter(bad as never)).toThrow(expect.objectContaining({ code: 'CYTORX_CONFIG' }));
    }
    expect(() => cocoWriter({ split: [0.5, 0.5], splitNames: ['a', 'a'] })).toThrow(/distinct/);
    expect(() => cocoWriter({ fileName: 'uuid' as never })).toThrow(/fileName/);
    expect(() => cocoWriter({ imageExtension: '../png' })).toThrow(/imageExtension/);
  });
});

describe('cocoWriter parts (order independence, resume)', () => {
  const ids = [31, 7, 19, 4, 25];
  const batches = (order: number[]) =>
    order.map((id) => batch(image(id, 64, 48), [feature(id * 10, image(id, 64, 48), square)]));
  const read = (root: string, rel: string) => readFile(path.join(root, rel), 'utf8');

  it('the files do not depend on the order of the batches', async () => {
    const a = await tempContext();
    const b = await tempContext();
    await lastValueFrom(from(batches(ids)).pipe(writeTo(a, cocoWriter({ split: [0.5, 0.5], seed: 3 }))));
    await lastValueFrom(
      from(batches([...ids].sort((x, y) => x - y))).pipe(
        writeTo(b, cocoWriter({ split: [0.5, 0.5], seed: 3 })),
      ),
    );
    for (const rel of ['coco/train.json', 'coco/val.json', 'coco/splits.json']) {
      expect(await read(a.root, rel)).toBe(await read(b.root, rel));
    }
    const train = JSON.parse(await read(a.root, 'coco/train.json')) as Coco;
    const trainIds = train.images.map((i) => i.id);
    expect(trainIds).toEqual([...trainIds].sort((x, y) => x - y));
  });

  it('a cancelled run with keepParts, resumed with resume: true, equals an uninterrupted run', async () => {
    const whole = await tempContext();
    await lastValueFrom(from(batches(ids)).pipe(writeTo(whole, cocoWriter())));

    const controller = new AbortController();
    const first = await tempContext({ signal: controller.signal });
    const w1 = cocoWriter({ keepParts: true, partsDir: '.state/coco' });
    await w1.open!(first);
    for (const b of batches(ids.slice(0, 3))) await w1.write(b, first);
    controller.abort();
    expect((await w1.close(first)).files).toEqual([]);
    expect(await listFiles(first.root)).toEqual([31, 7, 19].map((id) => `.state/coco/${id}.jsonl`).sort());

    const second = { ...first, signal: new AbortController().signal };
    await lastValueFrom(
      from(batches(ids.slice(2))).pipe(
        writeTo(second, cocoWriter({ resume: true, partsDir: '.state/coco' })),
      ),
    );
    expect(await read(second.root, 'coco/annotations.json')).toBe(
      await read(whole.root, 'coco/annotations.json'),
    );
    expect(await listFiles(second.root)).toEqual(['coco/annotations.json']);
  });
});
