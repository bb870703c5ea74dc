import type { Feature } from '@cytorx/core';
import { groupByImage, imageBatch, scale, tile } from '@cytorx/core';
import { from, lastValueFrom, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { feat, IMG1, IMG2, rect } from './fixtures.js';

const f = (id: number, image = IMG1) => feat(id, image, rect(0, 0, 1, 1));

describe('groupByImage', () => {
  it('contiguous (default): one batch per image, in order, features in arrival order', async () => {
    const out = await lastValueFrom(from([f(1), f(2), f(3, IMG2)]).pipe(groupByImage(), toArray()));
    expect(out.map((b) => [b.image.id, b.features.map((x) => x.id), b.canvas])).toEqual([
      [1, [1, 2], { x: 0, y: 0, width: 100, height: 50, scale: 1 }],
      [2, [3], { x: 0, y: 0, width: 40, height: 40, scale: 1 }],
    ]);
  });

  it('contiguous: an image coming back is an error; contiguous false groups it', async () => {
    const src = [f(1), f(2, IMG2), f(3)];
    await expect(lastValueFrom(from(src).pipe(groupByImage()))).rejects.toThrow(/image 1 are not contiguous/);
    const out = await lastValueFrom(from(src).pipe(groupByImage({ contiguous: false }), toArray()));
    expect(out.map((b) => [b.image.id, b.features.map((x) => x.id)])).toEqual([
      [1, [1, 3]],
      [2, [2]],
    ]);
  });

  it('emits empty batches for listed images without features, at the given scale', async () => {
    const img3 = { id: 3, width: 9, height: 5 };
    const out = await lastValueFrom(
      from([f(1)]).pipe(scale(0.5), groupByImage({ images: [IMG1, img3], scale: 0.5 }), toArray()),
    );
    expect(out.map((b) => [b.image.id, b.features.length, b.canvas])).toEqual([
      [1, 1, { x: 0, y: 0, width: 50, height: 25, scale: 0.5 }],
      [3, 0, { x: 0, y: 0, width: 5, height: 3, scale: 0.5 }],
    ]);
  });

  it('imageBatch rejects mixed scales and foreign features', () => {
    expect(() => imageBatch(IMG1, [f(1), { ...f(2), scale: 0.5 }])).toThrow(/scale 0.5 and 1/);
    expect(() => imageBatch(IMG1, [f(1, IMG2)])).toThrow(/belongs to image 2, not 1/);
  });

  it('emits a batch as soon as the next image starts (memory: one image), the last at completion', () => {
    const seen: number[] = [];
    const input = new Subject<Feature>();
    input.pipe(groupByImage()).subscribe((b) => seen.push(b.image.id));
    input.next(f(1));
    input.next(f(2));
    expect(seen).toEqual([]);
    input.next(f(3, IMG2));
    expect(seen).toEqual([1]);
    input.complete();
    expect(seen).toEqual([1, 2]);
  });

  it('tile after groupByImage: take(n) stops tiling early', async () => {
    const big = { id: 9, width: 10_000, height: 10_000 };
    const out = await lastValueFrom(
      from([f(1, big)]).pipe(groupByImage(), tile({ size: 100 }), take(3), toArray()),
    );
    expect(out.map((b) => b.tile)).toEqual([
      { col: 0, row: 0 },
      { col: 1, row: 0 },
      { col: 2, row: 0 },
    ]);
  });
});
