// readPredictions on masks (untiled, tiled with overlap and missing tiles, at a zoom level),
// COCO with RLE and cytorx's tiled COCO: features that re-rasterize exactly to the input.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Geometry, isCytorxError, type SourceFeature } from '@cytorx/core';
import { compressRle, geometryToRings, rasterizeSpans, readPredictions, rleEncode } from '@cytorx/writers';
import { afterAll, describe, expect, it } from 'vitest';
import { PngRows } from '../../src/vectorize/png-rows.js';
import { encodePng, writeGreyPng } from './png-helpers.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cytorx-predictions-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A mask with the hard cases: a ring with an island, diagonal contacts, a line, the border. */
function sampleMask(w: number, h: number): Uint8Array {
  const m = new Uint8Array(w * h);
  const set = (x: number, y: number, c: number) => {
    if (x >= 0 && y >= 0 && x < w && y < h) m[y * w + x] = c;
  };
  for (let y = 3; y < 20; y++) for (let x = 3; x < 20; x++) set(x, y, 1);
  for (let y = 6; y < 17; y++) for (let x = 6; x < 17; x++) set(x, y, 0);
  for (let y = 9; y < 14; y++) for (let x = 9; x < 14; x++) set(x, y, 1);
  for (let k = 0; k < 12; k++) set(25 + k, 2 + k, 2); // diagonal staircase: one 8-connected region
  for (let x = 0; x < w; x++) set(x, h - 1, 3); // bottom border line
  for (let y = 0; y < h; y += 2) set(w - 1, y, 255); // unlabeled: skipped
  set(30, 30, 2);
  return m;
}

/** Paints features back at `scale` (full resolution / mask pixel) onto a mask-sized canvas. */
function repaint(features: SourceFeature[], w: number, h: number, scale = 1, image?: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (const f of features) {
    if (image !== undefined && f.imageId !== image) continue;
    const rings = geometryToRings(f.geometry as Geometry).map((r) => r.map((v) => v / scale));
    rasterizeSpans(rings, w, h, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        if (out[y * w + x] !== 0) throw new Error(`pixel ${x},${y} painted twice`);
        out[y * w + x] = f.classId!;
      }
    });
  }
  return out;
}

const without = (m: Uint8Array, ...ignored: number[]) => m.map((v) => (ignored.includes(v) ? 0 : v));

describe('PngRows', () => {
  it.each([
    [1, 0],
    [2, 0],
    [4, 3],
    [8, 0],
    [8, 3],
    [16, 0],
  ] as const)('decodes %i-bit colour type %i in bands of any height', async (depth, color) => {
    const w = 37;
    const h = 11;
    const max = depth === 16 ? 255 : 2 ** depth - 1;
    const values = Array.from({ length: w * h }, (_, i) => (i * 7 + (i >> 3)) % (max + 1));
    const path = join(tmp(), 'm.png');
    writeFileSync(path, encodePng(values, w, h, depth, color));
    for (const rows of [1, 4, 100]) {
      const png = await PngRows.open(path);
      const got: number[] = [];
      for await (const b of png.bands(rows)) got.push(...b.data.subarray(0, b.rows * w));
      expect(got).toEqual(values);
    }
  });

  it('refuses RGB, 16-bit values above 255 and truncated files, naming the file', async () => {
    const d = tmp();
    const rgb = join(d, 'rgb.png');
    const png = Buffer.from(encodePng([1, 2, 3, 4], 2, 2, 8, 0));
    png[25] = 2; // colour type RGB (the CRC no longer matters: the header is checked first)
    writeFileSync(rgb, png);
    await expect(PngRows.open(rgb)).rejects.toThrow(
      /rgb\.png is RGB: a mask must be a greyscale or palette PNG/,
    );
    const big = join(d, 'big.png');
    writeFileSync(big, encodePng([1, 300, 3, 4], 2, 2, 16, 0));
    const bands = async (p: string) => {
      for await (const _ of (await PngRows.open(p)).bands(10));
    };
    await expect(bands(big)).rejects.toThrow(/pixel 1,0 has value 300/);
    const cut = join(d, 'cut.png');
    const whole = encodePng(sampleMask(40, 40), 40, 40, 8, 0);
    writeFileSync(cut, whole.subarray(0, whole.length - 40));
    await expect(bands(cut)).rejects.toSatisfy(
      (e) => isCytorxError(e, 'CYTORX_CONFIG') && /cut\.png/.test(String(e)),
    );
  });
});

describe('readPredictions: masks', () => {
  const W = 44;
  const H = 36;
  const size = async () => ({ width: W, height: H });

  it('a folder of {imageId}_mask.png: one feature per region, exact, 0 and 255 skipped', async () => {
    const d = tmp();
    const m = sampleMask(W, H);
    writeGreyPng(join(d, '7_mask.png'), m, W, H);
    writeGreyPng(join(d, '8_mask.png'), new Uint8Array(W * H), W, H);
    const files: string[] = [];
    const r = await readPredictions(d, {
      imageSize: size,
      onFile: (e) => files.push(`${e.file}:${e.features}`),
    });
    expect(r.kind).toBe('masks');
    expect(r.images).toEqual([7, 8]);
    expect(repaint(r.features, W, H, 1, 7)).toEqual(without(m, 255));
    expect(r.features.map((f) => f.classId).sort()).toEqual([1, 1, 2, 2, 3]);
    expect(files).toEqual(['7_mask.png:5', '8_mask.png:0']);
    expect(r.features[0]!.label).toMatch(/^7_mask\.png#region \d$/);
  });

  it('a mask at zoom 2 is scaled back (size inferred, or --zoom; a wrong size is refused)', async () => {
    const d = tmp();
    const m = sampleMask(W, H);
    writeGreyPng(join(d, '7_mask.png'), m, W, H);
    const full = async () => ({ width: 4 * W - 3, height: 4 * H });
    const r = await readPredictions(join(d, '7_mask.png'), { imageSize: full });
    expect(repaint(r.features, W, H, 4)).toEqual(without(m, 255));
    const bad = readPredictions(d, { imageSize: full, zoom: 1 });
    await expect(bad).rejects.toThrow(
      /7_mask\.png is 44x36, but image 7 \(173x144\) at zoom 1 is 87x72; check --zoom/,
    );
  });

  it('tiles with overlap and missing tiles are merged before vectorising', async () => {
    const root = tmp();
    const m = sampleMask(W, H);
    const size = 16;
    const overlap = 4;
    writeFileSync(
      join(root, 'manifest.json'),
      JSON.stringify({
        options: { zoom: null, maxSize: null, tile: { size, overlap, select: 'annotated' } },
      }),
    );
    mkdirSync(join(root, 'masks', '7'), { recursive: true });
    let written = 0;
    for (let ty = 0; ty < H - overlap; ty += size - overlap) {
      for (let tx = 0; tx < W - overlap; tx += size - overlap) {
        const tw = Math.min(size, W - tx);
        const th = Math.min(size, H - ty);
        const tile = new Uint8Array(tw * th);
        for (let y = 0; y < th; y++)
          for (let x = 0; x < tw; x++) tile[y * tw + x] = m[(ty + y) * W + tx + x]!;
        if (tile.every((v) => v === 0)) continue; // --tiles annotated
        writeGreyPng(join(root, 'masks', '7', `${tx}_${ty}.png`), tile, tw, th);
        written++;
      }
    }
    expect(written).toBeGreaterThan(4);
    const whole = await readPredictions(root, { imageSize: async () => ({ width: W, height: H }) });
    expect(repaint(whole.features, W, H)).toEqual(without(m, 255));
    // The big ring crosses tile borders and is still one feature.
    expect(whole.features.filter((f) => f.classId === 1)).toHaveLength(2);
  });
});

describe('readPredictions: COCO', () => {
  const W = 44;
  const H = 36;

  it('RLE segmentations are vectorised exactly; polygons kept; tiled COCO merged per annotation', async () => {
    const d = tmp();
    const m = sampleMask(W, H);
    const ring = m.map((v) => (v === 1 ? 1 : 0));
    const coco = {
      images: [{ id: 7, width: W, height: H, file_name: '7.png' }],
      categories: [{ id: 1, name: 'tumour' }],
      annotations: [
        { id: 1, image_id: 7, category_id: 1, segmentation: compressRle(rleEncode(ring, W, H)), iscrowd: 0 },
        { id: 2, image_id: 7, category_id: 2, segmentation: [[30, 2, 40, 2, 40, 8, 30, 8]], iscrowd: 0 },
      ],
    };
    const file = join(d, 'annotations.json');
    writeFileSync(file, JSON.stringify(coco));
    const r = await readPredictions(file, { imageSize: async () => ({ width: W, height: H }) });
    expect(r.kind).toBe('coco');
    expect(r.images).toEqual([7]);
    expect(repaint([r.features[0]!], W, H)).toEqual(ring);
    expect(r.features[1]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [30, 2],
          [40, 2],
          [40, 8],
          [30, 8],
          [30, 2],
        ],
      ],
    });

    // The same annotation cut into two tiles of 24 px with 4 px overlap, as cytorx writes them.
    const tiles = [
      { x: 0, y: 0, w: 24, h: H },
      { x: 20, y: 0, w: W - 20, h: H },
    ];
    const tiled = {
      images: tiles.map((t, k) => ({
        id: 70_000_000 + k,
        width: t.w,
        height: t.h,
        file_name: `7/${t.x}_${t.y}.png`,
        cytomine_image_id: 7,
        tile_x: t.x,
        tile_y: t.y,
      })),
      categories: [{ id: 1, name: 'tumour' }],
      annotations: tiles.map((t, k) => {
        const part = new Uint8Array(t.w * t.h);
        for (let y = 0; y < t.h; y++)
          for (let x = 0; x < t.w; x++) part[y * t.w + x] = ring[y * W + t.x + x]!;
        return {
          id: k + 1,
          image_id: 70_000_000 + k,
          category_id: 1,
          segmentation: compressRle(rleEncode(part, t.w, t.h)),
          iscrowd: 0,
          annotation_id: 555,
        };
      }),
    };
    const tiledFile = join(d, 'tiled.json');
    writeFileSync(tiledFile, JSON.stringify(tiled));
    const t = await readPredictions(tiledFile, { imageSize: async () => ({ width: W, height: H }) });
    expect(t.features).toHaveLength(1);
    expect(t.features[0]).toMatchObject({
      imageId: 7,
      featureId: 555,
      label: 'tiled.json#annotation 555 (2 tiles)',
    });
    expect(repaint(t.features, W, H)).toEqual(ring);
  });
});
