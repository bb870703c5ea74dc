// JsonBytes: the byte-buffer JSON encoder of the GeoJSON writer, and the 1e-9 px coordinate
// rounding shared with COCO polygons.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/json/json-bytes.js';
import { roundCoordinate } from '../../src/json/round-coordinate.js';

const text = (write: (b: JsonBytes) => void, capacity = 8): string => {
  const b = new JsonBytes(capacity);
  write(b);
  return Buffer.from(b.take()).toString('utf8');
};

describe('JsonBytes', () => {
  it('numbers: the y flip noise is gone, the shortest decimal is written', () => {
    expect(text((b) => b.number(20 - 2.01, 9))).toBe('17.99'); // 17.990000000000002
    expect(text((b) => b.number(897.6700000000001, 9))).toBe('897.67');
    expect(text((b) => b.number(-0.1 - 0.2, 9))).toBe('-0.3');
    expect(text((b) => b.number(1 / 3, 9))).toBe('0.333333333');
    expect(text((b) => b.number(-0, 9))).toBe('0');
    expect(text((b) => b.number(-1e-12, 9))).toBe('0');
    expect(text((b) => b.number(4_000_000.5, 9))).toBe('4000000.5');
    expect(text((b) => b.number(2 ** 22 + 0.25, 9))).toBe('4194304.25'); // beyond the digit path
    expect(text((b) => b.number(0.123456, 2))).toBe('0.12');
    expect(text((b) => b.number(Number.NaN, 9))).toBe('null');
    expect(text((b) => b.integer(-9_007_199_254_740_991))).toBe('-9007199254740991');
    expect(text((b) => b.integer(1_700_000_000_040))).toBe('1700000000040');
  });

  it('property: the text is String(roundCoordinate(v)) and parses back to it (|v| in [1e-6, 2^23))', () => {
    const v = fc
      .double({ min: -(2 ** 23), max: 2 ** 23, noNaN: true })
      .filter((x) => Math.abs(x) >= 1e-6 || x === 0);
    fc.assert(
      fc.property(v, fc.integer({ min: 0, max: 9 }), (x, d) => {
        const t = text((b) => b.number(x, d));
        const r = roundCoordinate(x, d);
        expect(Number(t)).toBe(r);
        if (Math.abs(r) >= 1e-6 || r === 0) expect(t).toBe(String(r));
        expect(Math.abs(r - x)).toBeLessThanOrEqual(0.5 * 10 ** -d + Math.abs(x) * 2 ** -50);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: frame round trip: a coordinate on the 1e-9 grid, flipped, written, read, flipped back and rounded, is itself', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 0, max: 200_000 * 10 ** 9 }),
        (h, n) => {
          const y = n / 1e9; // any Cytomine coordinate with at most 9 decimals
          const written = Number(text((b) => b.number(h - y, 9)));
          expect(roundCoordinate(h - written)).toBe(y);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('strings: ASCII copied, everything else escaped as JSON.stringify does; the buffer grows', () => {
    for (const s of ['Tumour', 'a "quoted" \\ name', 'Ümlaut ⚕ ✓', 'tab\there', '']) {
      expect(text((b) => b.string(s), 2)).toBe(JSON.stringify(s));
    }
    const b = new JsonBytes(4);
    for (let i = 0; i < 1000; i++) b.number(i + 0.5, 9);
    expect(b.length).toBe(
      Buffer.from(Array.from({ length: 1000 }, (_, i) => String(i + 0.5)).join('')).length,
    );
  });
});
