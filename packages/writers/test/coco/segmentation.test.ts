import type { Geometry, Position } from '@cytorx/core';
import {
  geometryToRings,
  rasterizeSpans,
  rleArea,
  rleDecode,
  rleFrPoly,
  rleMerge,
  rleToBbox,
} from '@cytorx/writers';
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
          // Every ring >= 3 points, no holes, and pycocotools' decoding (rleFrPoly per ring,
          // union) is exactly our even-odd mask.
          for (const ring of shape!.segmentation) {
            expect(ring.length).toBeGreaterThanOrEqual(6);
            expect(ring.length % 2).toBe(0);
          }
          expect(rleDecode(rleMerge(shape!.segmentation.map((p) => rleFrPoly(p, H, W))))).toEqual(expected);
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

  it('property: polygon mode keeps disjoint single rings as polygons, area/bbox as pycocotools decodes them; rle mode is always RLE of our mask', () => {
    const r = new Rasterizer();
    fc.assert(
      fc.property(geometryArb, (g) => {
        const expected = maskOf(geometryToRings(g));
        const subject = { annotationId: 1, imageId: 1 };
        const rle = cocoShape(g, W, H, r, subject, 'rle');
        const poly = cocoShape(g, W, H, r, subject, 'polygon');
        if (expected.every((v) => v === 0)) {
          expect(rle).toBeUndefined();
          expect(poly).toBeUndefined();
          return;
        }
        expect(Array.isArray(rle!.segmentation)).toBe(false);
        expect(rleDecode(rle!.segmentation as { size: [number, number]; counts: string })).toEqual(expected);
        if (Array.isArray(poly!.segmentation)) {
          const decoded = rleMerge(poly!.segmentation.map((p) => rleFrPoly(p, H, W)));
          expect(poly!.area).toBe(rleArea(decoded));
          expect(poly!.area).toBeGreaterThan(0);
          expect(poly!.bbox).toEqual(rleToBbox(decoded));
        } else {
          expect(rleDecode(poly!.segmentation)).toEqual(expected);
          expect(poly!.area).toBe(expected.reduce((a, b) => a + b, 0));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a square with corners on pixel centres: we paint pixel (0,0), pycocotools pixel (1,1); auto writes RLE, polygon mode the decoder's box", () => {
    const r = new Rasterizer();
    const g: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0.5, 0.5],
          [1.5, 0.5],
          [1.5, 1.5],
          [0.5, 1.5],
          [0.5, 0.5],
        ],
      ],
    };
    const subject = { annotationId: 1, imageId: 1 };
    const auto = cocoShape(g, W, H, r, subject)!;
    expect(Array.isArray(auto.segmentation)).toBe(false);
    expect([auto.area, auto.bbox]).toEqual([1, [0, 0, 1, 1]]);
    const poly = cocoShape(g, W, H, r, subject, 'polygon')!;
    expect(poly.segmentation).toEqual([[0.5, 0.5, 1.5, 0.5, 1.5, 1.5, 0.5, 1.5]]);
    expect([poly.area, poly.bbox]).toEqual([1, [1, 1, 1, 1]]);
  });

  it('polygon coordinates are written rounded to 1e-9 px (the y flip 20 - 2.01 = 17.990000000000002 becomes 17.99)', () => {
    const r = new Rasterizer();
    const y = 20 - 2.01;
    expect(String(y)).toBe('17.990000000000002');
    const ring = (v: number): Position[] => [
      [2, 2],
      [10, 2],
      [10, v],
      [2, v],
      [2, 2],
    ];
    const subject = { annotationId: 1, imageId: 1 };
    const a = cocoShape({ type: 'Polygon', coordinates: [ring(17.99)] }, W, H, r, subject, 'polygon')!;
    const b = cocoShape({ type: 'Polygon', coordinates: [ring(y)] }, W, H, r, subject, 'polygon')!;
    expect(JSON.stringify(b.segmentation)).toBe('[[2,2,10,2,10,17.99,2,17.99]]');
    expect(b).toEqual(a);
  });

  it('a polygon with a hole is RLE even when the hole is tiny; a bow-tie ring is a polygon in polygon mode', () => {
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
    const b = cocoShape(bowtie, W, H, r, { annotationId: 2, imageId: 1 }, 'polygon')!;
    expect(b.segmentation).toEqual([[0, 0, 10, 10, 10, 0, 0, 10]]);
    // pycocotools fills the crossing point's column differently: auto writes our mask as RLE.
    const auto = cocoShape(bowtie, W, H, r, { annotationId: 2, imageId: 1 })!;
    expect(Array.isArray(auto.segmentation)).toBe(false);
    expect(rleArea(auto.segmentation as { size: [number, number]; counts: string })).toBe(auto.area);
  });
});
