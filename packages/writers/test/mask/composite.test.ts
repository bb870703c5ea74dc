import type { Geometry, Position } from '@cytorx/core';
import { rasterizeSpans } from '@cytorx/writers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BandCompositor, type PaintItem } from '../../src/mask/composite.js';

// The compositor paints top first over per-row runs; the reference paints every item bottom
// first, pixel by pixel (last one wins), and counts the pixels whose covering classes are not
// all the same.

const W = 23;
const H = 17;

function reference(items: readonly PaintItem[]): { buf: Uint8Array; contested: number } {
  const buf = new Uint8Array(W * H);
  const classes = Array.from({ length: W * H }, () => new Set<number>());
  for (const item of items) {
    const rings = ringsOf(item.geometry);
    rasterizeSpans(rings, W, H, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        buf[y * W + x] = item.value;
        classes[y * W + x]!.add(item.value);
      }
    });
  }
  return { buf, contested: classes.filter((s) => s.size > 1).length };
}

function ringsOf(g: Geometry): number[][] {
  return g.type === 'Polygon' ? g.coordinates.map((r) => r.flat()) : [];
}

function composite(items: readonly PaintItem[], bandRows: number): { buf: Uint8Array; contested: number } {
  const compositor = new BandCompositor();
  const out = new Uint8Array(W * H);
  let contested = 0;
  for (let r0 = 0; r0 < H; r0 += bandRows) {
    const r1 = Math.min(H, r0 + bandRows);
    const band = new Uint8Array((r1 - r0) * (W + 1));
    contested += compositor.paint(items, W, H, r0, r1, band, 1);
    for (let y = r0; y < r1; y++) {
      expect(band[(y - r0) * (W + 1)]).toBe(0); // the PNG filter byte stays untouched
      out.set(band.subarray((y - r0) * (W + 1) + 1, (y - r0 + 1) * (W + 1)), y * W);
    }
  }
  return { buf: out, contested };
}

const coord = (lo: number, hi: number) =>
  fc.oneof(
    fc.integer({ min: lo, max: hi }),
    fc.integer({ min: lo * 4, max: hi * 4 }).map((v) => v / 4),
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
  );
const ring = fc.array(fc.tuple(coord(-2, W + 2), coord(-2, H + 2)), { minLength: 3, maxLength: 7 });
const item = fc.record({
  rings: fc.array(ring, { minLength: 1, maxLength: 2 }),
  value: fc.integer({ min: 1, max: 4 }),
});

function toItems(raw: { rings: [number, number][][]; value: number }[]): PaintItem[] {
  return raw.map((r, order) => ({
    geometry: { type: 'Polygon', coordinates: r.rings.map((ring) => ring.map((p) => p as Position)) },
    rings: undefined,
    value: r.value,
    id: order + 1,
    annotationId: order + 1,
    order,
    area: 0,
    rowMin: 0,
    rowMax: H,
  }));
}

describe('BandCompositor', () => {
  it('equals painting bottom first pixel by pixel, in any bands (property)', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: H }),
        (raw, bandRows) => {
          const items = toItems(raw);
          const want = reference(items);
          const got = composite(items, bandRows);
          expect(got.contested).toBe(want.contested);
          expect(Buffer.from(got.buf).equals(Buffer.from(want.buf))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('paints many overlapping spans of one row exactly (runs split, merged and turned contested)', () => {
    // Horizontal strips of one row, in an order that exercises every case of the run list:
    // appends, gaps between runs, spans inside, across and touching runs of the same and other classes.
    const strips: [number, number, number][] = [
      [10, 14, 1],
      [2, 5, 2],
      [5, 8, 2],
      [0, 23, 1],
      [12, 20, 3],
      [3, 11, 2],
      [16, 17, 1],
      [6, 7, 4],
    ];
    const items = toItems(
      strips.map(([x0, x1, value]) => ({
        rings: [
          [
            [x0, 3],
            [x1, 3],
            [x1, 4],
            [x0, 4],
          ],
        ],
        value,
      })),
    );
    const want = reference(items);
    expect(want.contested).toBeGreaterThan(10);
    const got = composite(items, H);
    expect(got.contested).toBe(want.contested);
    expect([...got.buf.subarray(3 * W, 4 * W)]).toEqual([...want.buf.subarray(3 * W, 4 * W)]);
  });
});
