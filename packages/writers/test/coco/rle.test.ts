import {
  compressRle,
  rleArea,
  rleDecode,
  rleEncode,
  rleFromString,
  rleToBbox,
  rleToString,
} from '@cytorx/writers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpanMask } from '../../src/coco/span-mask.js';

/** A random binary mask with its size (row-major). */
const maskArb = fc
  .record({
    w: fc.integer({ min: 1, max: 12 }),
    h: fc.integer({ min: 1, max: 12 }),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .chain(({ w, h, density }) =>
    fc
      .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: w * h, maxLength: w * h })
      .map((r) => ({ w, h, mask: Uint8Array.from(r, (v) => (v < density ? 1 : 0)) })),
  );

describe('RLE string codec: hand-worked examples of raster-coco.md §B', () => {
  it.each([
    [[4], '4'],
    [[1, 2, 1], '121'],
    [[16], '`0'],
    [[100], 'T3'],
    [[0, 10, 5, 2], '0:5H'],
    [[2, 1, 1, 2], '2111'],
  ])('%j <-> %j', (counts, str) => {
    expect(rleToString(counts)).toBe(str);
    expect(rleFromString(str)).toEqual(counts);
  });

  it('2x3 mask [[0,1,1],[0,0,1]] -> counts [2,1,1,2], "2111"', () => {
    const rle = rleEncode([0, 1, 1, 0, 0, 1], 3, 2);
    expect(rle).toEqual({ size: [2, 3], counts: [2, 1, 1, 2] });
    expect(compressRle(rle)).toEqual({ size: [2, 3], counts: '2111' });
    expect(rleArea(rle)).toBe(3);
    expect(rleToBbox(rle)).toEqual([1, 0, 2, 2]);
    expect(Array.from(rleDecode({ size: [2, 3], counts: '2111' }))).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('empty and full masks follow pycocotools ([n] and [0, n])', () => {
    expect(rleEncode(new Uint8Array(6), 3, 2).counts).toEqual([6]);
    expect(rleEncode(new Uint8Array(6).fill(1), 3, 2).counts).toEqual([0, 6]);
    expect(rleToBbox({ size: [2, 3], counts: [6] })).toEqual([0, 0, 0, 0]);
  });

  it('counts beyond 32 bits survive the round trip', () => {
    const counts = [2 ** 33 + 5, 3, 2 ** 34, 1, 7];
    expect(rleFromString(rleToString(counts))).toEqual(counts);
  });

  it('rejects malformed input with CYTORX_CONFIG', () => {
    expect(() => rleFromString('0:5\u0080')).toThrow(expect.objectContaining({ code: 'CYTORX_CONFIG' }));
    expect(() => rleFromString('P')).toThrow(/ends inside/); // continuation bit set, nothing follows
    expect(() => rleDecode({ size: [2, 3], counts: [2, 1] })).toThrow(/sum to 3/);
    expect(() => rleDecode({ size: [2, 3], counts: [2, 9] })).toThrow(/overflow/);
    expect(() => rleEncode([1, 0], 3, 2)).toThrow(expect.objectContaining({ code: 'CYTORX_CONFIG' }));
  });
});

describe('RLE properties (fast-check)', () => {
  it('encode -> decode is the identity; counts sum to h*w, alternate from 0s', () => {
    fc.assert(
      fc.property(maskArb, ({ w, h, mask }) => {
        const rle = rleEncode(mask, w, h);
        expect(rle.counts.reduce((a, b) => a + b, 0)).toBe(w * h);
        expect(rle.counts.slice(1).every((c) => c > 0)).toBe(true);
        expect(rleDecode(rle)).toEqual(mask);
        expect(rleDecode(compressRle(rle))).toEqual(mask);
      }),
      { numRuns: 500 },
    );
  });

  it('string codec round trips any counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 40 }), (counts) => {
        const s = rleToString(counts);
        expect(s).toMatch(/^[0-o]*$/);
        expect(rleFromString(s)).toEqual(counts);
      }),
      { numRuns: 1000 },
    );
  });

  it('area is the pixel count and bbox the tight box (no column wrap)', () => {
    fc.assert(
      fc.property(maskArb, ({ w, h, mask }) => {
        const rle = rleEncode(mask, w, h);
        const set: [number, number][] = [];
        mask.forEach((v, i) => {
          if (v) set.push([i % w, Math.floor(i / w)]);
        });
        expect(rleArea(rle)).toBe(set.length);
        expect(rleArea(compressRle(rle))).toBe(set.length);
        const bbox = rleToBbox(rle);
        if (set.length === 0) expect(bbox).toEqual([0, 0, 0, 0]);
        else {
          const xs = set.map((p) => p[0]);
          const ys = set.map((p) => p[1]);
          const x0 = Math.min(...xs);
          const x1 = Math.max(...xs);
          expect(bbox[0]).toBe(x0);
          expect(bbox[2]).toBe(x1 - x0 + 1);
          // pycocotools widens y to the full height when a run wraps across columns.
          const wraps = rle.counts.some((c, j, a) => {
            if (j % 2 === 0) return false;
            const start = a.slice(0, j).reduce((s, v) => s + v, 0);
            return Math.floor(start / h) !== Math.floor((start + c - 1) / h);
          });
          if (wraps) expect([bbox[1], bbox[3]]).toEqual([0, h]);
          else expect([bbox[1], bbox[3]]).toEqual([Math.min(...ys), Math.max(...ys) - Math.min(...ys) + 1]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('SpanMask.toRle (sweep, no canvas) equals the dense encoder', () => {
    const spansArb = fc.record({
      w: fc.integer({ min: 1, max: 20 }),
      h: fc.integer({ min: 1, max: 20 }),
      rows: fc.array(fc.array(fc.integer({ min: -3, max: 23 }), { maxLength: 8 }), { maxLength: 26 }),
    });
    fc.assert(
      fc.property(spansArb, ({ w, h, rows }) => {
        const spans = new SpanMask();
        const dense = new Uint8Array(w * h);
        rows.forEach((xs, i) => {
          const y = i - 3;
          // Disjoint spans from sorted cut points (touching spans allowed).
          const cuts = [...xs].sort((a, b) => a - b);
          for (let k = 0; k + 1 < cuts.length; k += 2) {
            spans.add(y, cuts[k]!, cuts[k + 1]!);
            if (y < 0 || y >= h) continue;
            for (let x = Math.max(0, cuts[k]!); x < Math.min(w, cuts[k + 1]!); x++) dense[y * w + x] = 1;
          }
        });
        expect(spans.toRle(w, h)).toEqual(rleEncode(dense, w, h));
      }),
      { numRuns: 1000 },
    );
  });
});
