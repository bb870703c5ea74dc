import type { Feature, PipelineWarning } from '@cytorx/core';
import { clipToImage, repair, scale } from '@cytorx/core';
import { from, lastValueFrom, type OperatorFunction, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { canonical, feat, IMG1, polygon, rect } from './fixtures.js';

async function run(fs: Feature[], ...ops: OperatorFunction<Feature, Feature>[]) {
  let src = from(fs);
  for (const op of ops) src = src.pipe(op);
  return lastValueFrom(src.pipe(toArray()));
}

describe('clipToImage', () => {
  it('clips polygons, lines and points to [0,W]x[0,H] and reports features left with nothing', async () => {
    const warnings: PipelineWarning[] = [];
    const out = await run(
      [
        feat(1, IMG1, rect(-10, -10, 10, 10)),
        feat(2, IMG1, {
          type: 'LineString',
          coordinates: [
            [50, -20],
            [50, 20],
          ],
        }),
        feat(3, IMG1, {
          type: 'MultiPoint',
          coordinates: [
            [1, 1],
            [200, 1],
          ],
        }),
        feat(4, IMG1, { type: 'Point', coordinates: [101, 1] }),
        feat(5, IMG1, rect(100, 0, 120, 10)),
      ],
      clipToImage({ onWarning: (w) => warnings.push(w) }),
    );
    expect(out.map((f) => [f.id, canonical(f.geometry)])).toEqual([
      [
        1,
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [10, 0],
              [10, 10],
              [0, 10],
              [0, 0],
            ],
          ],
        },
      ],
      [
        2,
        {
          type: 'LineString',
          coordinates: [
            [50, 0],
            [50, 20],
          ],
        },
      ],
      [3, { type: 'MultiPoint', coordinates: [[1, 1]] }],
    ]);
    expect(warnings.map((w) => [w.annotationId, w.imageId, w.code, w.skipped])).toEqual([
      [4, 1, 'OUTSIDE_IMAGE', true],
      [5, 1, 'OUTSIDE_IMAGE', true],
    ]);
  });

  it('uses the scaled image size', async () => {
    const out = await run([feat(1, IMG1, rect(0, 0, 100, 50))], scale(0.5), clipToImage());
    expect(canonical(out[0]!.geometry)).toEqual(rect(0, 0, 50, 25));
  });

  it('an image without a usable size is an error naming it', async () => {
    await expect(
      run([feat(1, { id: 8, width: 0, height: 5 }, rect(0, 0, 1, 1))], clipToImage()),
    ).rejects.toThrow(/image 8 has no usable size/);
  });
});

describe('repair', () => {
  it('repairs bow-ties with a REPAIRED warning, passes valid features through as the same object', async () => {
    const warnings: PipelineWarning[] = [];
    const valid = feat(1, IMG1, rect(0, 0, 4, 4));
    const out = await run(
      [
        valid,
        feat(
          2,
          IMG1,
          polygon([
            [0, 0],
            [2, 2],
            [2, 0],
            [0, 2],
            [0, 0],
          ]),
        ),
        feat(3, IMG1, { type: 'Point', coordinates: [Number.NaN, 1] }),
      ],
      repair({ onWarning: (w) => warnings.push(w) }),
    );
    expect(out[0]).toBe(valid);
    expect(out.map((f) => f.id)).toEqual([1, 2]);
    expect(out[1]!.geometry.type).toBe('MultiPolygon');
    expect(warnings.map((w) => [w.annotationId, w.code, w.skipped, w.stage])).toEqual([
      [2, 'REPAIRED', false, 'repair'],
      [3, 'INVALID_GEOMETRY', true, 'repair'],
    ]);
    expect(warnings[0]!.message).toBe('annotation 2: resolved crossing rings (even-odd)');
  });
});
