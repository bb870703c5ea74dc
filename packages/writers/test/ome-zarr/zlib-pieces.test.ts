import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZlibPieces } from '../../src/ome-zarr/zlib-pieces.js';

/** A piece: zeros, or bytes with runs (like label rows), or noise. */
const piece = fc.oneof(
  fc.integer({ min: 0, max: 70_000 }).map((n) => ({ zeros: n })),
  fc.uint8Array({ minLength: 0, maxLength: 3000 }).map((bytes) => ({ bytes })),
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 9000 })), { maxLength: 12 })
    .map((runs) => ({ bytes: Uint8Array.from(runs.flatMap(([v, n]) => Array<number>(n).fill(v))) })),
);

describe('ZlibPieces', () => {
  it('pieces deflated on their own make one zlib stream of their concatenation (checksum verified by inflate)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (pieces, preSummed) => {
        const z = new ZlibPieces(new Map());
        const whole: number[] = [];
        for (const p of pieces) {
          if ('zeros' in p) {
            z.addZeros(p.zeros);
            for (let i = 0; i < p.zeros; i++) whole.push(0);
          } else {
            if (preSummed) z.sum(p.bytes, 0, p.bytes.length);
            z.add(p.bytes, preSummed);
            whole.push(...p.bytes);
          }
        }
        expect(z.length).toBe(whole.length);
        const out = inflateSync(z.finish());
        expect(out.equals(Buffer.from(whole))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a wrong checksum is caught by inflate (the trailer is the Adler-32 of the data)', () => {
    const z = new ZlibPieces(new Map());
    z.add(Uint8Array.from([1, 2, 3]));
    z.addZeros(5);
    const data = z.finish();
    expect(inflateSync(data)).toEqual(Buffer.from([1, 2, 3, 0, 0, 0, 0, 0]));
    data[data.length - 1]! ^= 1;
    expect(() => inflateSync(data)).toThrow(/incorrect data check/);
  });
});
