import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Geometry } from '@cytorx/core';
import { type CompressedRle, cocoWriter, maskWriter, rleDecode, writeTo } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batch, feature, image, readJson, rectRing, ring, tempContext } from '../contract/fixtures.js';

interface Ann {
  category_id: number;
  area: number;
  segmentation: number[][] | CompressedRle;
}

// Disjoint annotations (no compositing involved), with a hole, a slanted edge, a multipolygon.
const geometries: [number, Geometry, number[]][] = [
  [
    1,
    { type: 'Polygon', coordinates: [rectRing(2, 2, 30, 20), ring([8.5, 6.25], [20, 7], [12, 16.5])] },
    [101],
  ],
  [2, { type: 'Polygon', coordinates: [ring([33.3, 2.2], [62.9, 5.5], [40.1, 27.7])] }, [102]],
  [
    3,
    { type: 'MultiPolygon', coordinates: [[rectRing(2, 25, 12, 45)], [rectRing(14.5, 30.5, 28.25, 46)]] },
    [101],
  ],
];

describe('COCO and the PNG label mask agree pixel for pixel', () => {
  it('per class, COCO areas sum to the mask pixel count, and RLE pixels are exactly the mask pixels', async () => {
    const ctx = await tempContext();
    const img = image(1, 64, 48);
    const features = geometries.map(([id, g, termIds]) => feature(id, img, g, { termIds }));
    await lastValueFrom(from([batch(img, features)]).pipe(writeTo(ctx, maskWriter(), cocoWriter())));

    const png = PNG.sync.read(await readFile(path.join(ctx.root, 'masks/1_mask.png')));
    const { width, height } = png;
    const pixel = (i: number) => png.data[i * 4]!; // pngjs expands greyscale to RGBA
    const perClass = new Map<number, number>();
    for (let i = 0; i < width * height; i++) {
      const v = pixel(i);
      if (v !== 0) perClass.set(v, (perClass.get(v) ?? 0) + 1);
    }
    const coco = await readJson<{ annotations: Ann[] }>(ctx.root, 'coco/annotations.json');
    const areas = new Map<number, number>();
    for (const a of coco.annotations) areas.set(a.category_id, (areas.get(a.category_id) ?? 0) + a.area);
    expect(areas).toEqual(perClass);
    expect([...perClass.keys()].sort()).toEqual([1, 2]);

    const holed = coco.annotations[0]!;
    expect(Array.isArray(holed.segmentation)).toBe(false);
    const m = rleDecode(holed.segmentation as CompressedRle);
    for (let i = 0; i < m.length; i++) {
      const x = i % width;
      // Annotation 1 is the only one in columns < 31 above row 21: its RLE is exactly the class-1 pixels there.
      if (x < 31 && Math.floor(i / width) < 21) expect(m[i]).toBe(pixel(i) === 1 ? 1 : 0);
    }
  });
});
