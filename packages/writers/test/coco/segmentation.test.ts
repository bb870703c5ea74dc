import type { Geometry, Position } from '@cytorx/core';
import { geometryToRings, rasterizeSpans, rleDecode } from '@cytorx/writers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cocoShape } from '../../src/coco/segmentation.js';
import { Rasterizer } from '../../src/raster/rasterizer.js';

const W = 24;
const H = 20;

function maskOf(rings: number[][]): Uint8Array {
  const m = new Uint8Array(W * H);
  rasterizeSpans(rings, W, H, (y, x0, x1) => m.fill(1, y * W + x0, y * W + x1));
  return m;
}

/** A random ring on a 1/4 px grid, partly outside the canvas at times. */
const ringArb = fc
  .array(fc.tuple(fc.integer({ min: -8, max: (W + 2) * 4 }), fc.integer({ min: -8, max: (H + 2) * 4 })), {
    minLength: 3,
    maxLength: 7,
  })
  .map((pts) => pts.map(([x, y]) => [x / 4, y / 4] as Position));

const geometryArb: fc.Arbitrary<Geometry> = fc.oneof(
  fc
    .array(ringArb, { minLength: 1, maxLength: 3 })
    .map((rings) => ({ type: 'Polygon' as const, coordinates: rings })),
  fc
    .array(fc.array(ringArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 })
    .map((polys) => ({ type: 'MultiPolygon' as const, coordinates: polys })),
);

describe('cocoShape (raster-coco.md §C.7)', () => {
  it('property: RLE decodes to exactly the rasterizer mask; polygons union to it; area/bbox from the mask', () => {
    const r = new Rasterizer();
    fc.assert(
      fc.property(geometryArb, (g) => {
        const expected = maskOf(geometryToRings(g));
        const area = expected.reduce((a, b) => a + b, 0);
        const shape = cocoShape(g, W, H, r, { annotationId: 1, imageId: 1 });
        if (area === 0) {
          expect(shape).toBeUndefined();
          return;
        }
        expect(shape).toBeDefined();
        expect(shape!.area).toBe(area);
        if (Array.isArray(shape!.segmentation)) {
          // Every ring >= 3 points, no holes, and COCO's union of rings equals our even-odd mask.
          const union = new Uint8Array(W * H);
          for (const ring of shape!.segmentation) {
            expect(ring.length).toBeGreaterThanOrEqual(6);
            expect(ring.length % 2).toBe(0);
            maskOf([ring]).forEach((v, i) => {
              if (v) union[i] = 1;
            });
          }
          expect(union).toEqual(expected);
          const parts =
            g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
          expect(parts.every((p) => p.filter((ring) => ring.length >= 3).length <= 1)).toBe(true);
        } else {
          expect(shape!.segmentation.size).toEqual([H, W]);
          expect(rleDecode(shape!.segmentation)).toEqual(expected);
        }
        let x0 = W;
        let y0 = H;
        let x1 = 0;
        let y1 = 0;
        expected.forEach((v, i) => {
          if (!v) return;
          const x = i % W;
          const y = (i - x) / W;
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        });
        expect(shape!.bbox).toEqual([x0, y0, x1 - x0, y1 - y0]);
      }),
      { numRuns: 200 },
    );
  });

  it('a polygon with a hole is RLE even when the hole is tiny; a bow-tie ring stays a polygon', () => {
    const r = new Rasterizer();
    const holed: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
        [
          [4, 4],
          [6, 4],
          [6, 6],
          [4, 6],
          [4, 4],
        ],
      ],
    };
    const s = cocoShape(holed, W, H, r, { annotationId: 1, imageId: 1 })!;
    expect(Array.isArray(s.segmentation)).toBe(false);
    expect(s.area).toBe(96);
    const bowtie: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [10, 10],
          [10, 0],
          [0, 10],
          [0, 0],
        ],
      ],
    };
    const b = cocoShape(bowtie, W, H, r, { annotationId: 2, imageId: 1 })!;
    expect(b.segmentation).toEqual([[0, 0, 10, 10, 10, 0, 0, 10]]);
  });
});
