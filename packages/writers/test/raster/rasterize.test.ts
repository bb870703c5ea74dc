import { isCytorxError } from '@cytorx/core';
import { geometryToRings, Rasterizer, rasterizeSpans } from '@cytorx/writers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oracleMask } from './oracle.js';

type Rings = number[][];

function mask(rings: Rings, width: number, height: number, band?: { rowStart: number; rowEnd: number }) {
  const m = new Uint8Array(width * height);
  let lastY = -1;
  rasterizeSpans(
    rings,
    width,
    height,
    (y, x0, x1) => {
      // contract: rows ascending, spans inside the canvas, non-empty
      if (y < lastY || !(0 <= x0 && x0 < x1 && x1 <= width && y >= 0 && y < height)) {
        throw new Error(`bad span ${y} ${x0} ${x1} after row ${lastY}`);
      }
      lastY = y;
      for (let x = x0; x < x1; x++) m[y * width + x] = m[y * width + x]! ^ 1;
    },
    band,
  );
  // spans never overlap within one annotation, so XOR == set
  return m;
}

const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

// Coordinates of several kinds: integers, half-integers (pixel centres: ties), 1/256 grid
// values (more ties), arbitrary floats, all a little beyond a W x H canvas.
const W = 20;
const H = 18;
const coord = (lo: number, hi: number) =>
  fc.oneof(
    fc.integer({ min: lo, max: hi }),
    fc.integer({ min: lo, max: hi }).map((v) => v + 0.5),
    fc.integer({ min: lo * 256, max: hi * 256 }).map((v) => v / 256),
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: lo * 64, max: hi * 64 }).map((v) => v / 64 + 1 / 1024), // snaps to a neighbour
  );
const ring = fc
  .array(fc.tuple(coord(-3, W + 3), coord(-3, H + 3)), { minLength: 3, maxLength: 9 })
  .map((pts) => pts.flat());
const rings = fc.array(ring, { minLength: 1, maxLength: 4 });

/** A star-shaped (simple) ring around (cx, cy) with radii in [rMin, rMax]. */
const star = (rMin: number, rMax: number) =>
  fc
    .record({
      cx: fc.double({ min: 6, max: 14, noNaN: true }),
      cy: fc.double({ min: 6, max: 12, noNaN: true }),
      radii: fc.array(fc.double({ min: rMin, max: rMax, noNaN: true }), { minLength: 3, maxLength: 16 }),
    })
    .map(({ cx, cy, radii }) =>
      radii.flatMap((r, i) => {
        const a = (2 * Math.PI * i) / radii.length;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      }),
    );

function shoelace(r: number[]): number {
  let s = 0;
  const n = r.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += r[2 * i]! * r[2 * j + 1]! - r[2 * j]! * r[2 * i + 1]!;
  }
  return Math.abs(s) / 2;
}

function perimeter(r: number[]): number {
  let p = 0;
  const n = r.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    p += Math.hypot(r[2 * j]! - r[2 * i]!, r[2 * j + 1]! - r[2 * i + 1]!);
  }
  return p;
}

const rotate = (r: number[], k: number) => {
  const s = (2 * k) % r.length;
  return [...r.slice(s), ...r.slice(0, s)];
};
const reverse = (r: number[]) => {
  const out: number[] = [];
  for (let i = r.length - 2; i >= 0; i -= 2) out.push(r[i]!, r[i + 1]!);
  return out;
};

describe('rasterizeSpans against the brute-force oracle', () => {
  it('matches the oracle on random rings (holes, multipolygons, self-intersections, ties)', () => {
    fc.assert(
      fc.property(rings, (rs) => {
        expect(mask(rs, W, H)).toEqual(oracleMask(rs, W, H));
      }),
      { numRuns: 400 },
    );
  });

  it('matches the oracle on a star with a hole and a second part', () => {
    fc.assert(
      fc.property(star(3, 8), fc.double({ min: 0.2, max: 0.6, noNaN: true }), ring, (outer, k, other) => {
        // hole: the outer ring shrunk toward its first vertex's centre, reversed
        const cx = 10;
        const cy = 9;
        const hole = reverse(outer.map((v, i) => (i % 2 === 0 ? cx + (v - cx) * k : cy + (v - cy) * k)));
        const rs = [outer, hole, other];
        expect(mask(rs, W, H)).toEqual(oracleMask(rs, W, H));
      }),
      { numRuns: 150 },
    );
  });

  it('matches the oracle with huge and far-away coordinates (exact BigInt fallback)', () => {
    const far = fc.oneof(
      coord(-3, 23),
      fc.constantFrom(1e9, -1e9, 1e15, -1e15, 123456789.123, -(2 ** 40), 2 ** 25 / 256 + 0.5),
      fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    );
    const farRing = fc.array(fc.tuple(far, far), { minLength: 3, maxLength: 6 }).map((p) => p.flat());
    fc.assert(
      fc.property(fc.array(farRing, { minLength: 1, maxLength: 3 }), (rs) => {
        expect(mask(rs, W, H)).toEqual(oracleMask(rs, W, H));
      }),
      { numRuns: 300 },
    );
  });
  it('is exact far from the origin of a 100,000 px canvas (band of rows)', () => {
    const off = 99_980;
    const size = off + 40;
    fc.assert(
      fc.property(rings, (rs) => {
        const got = new Uint8Array(W * H);
        rasterizeSpans(
          rs.map((r) => r.map((v) => v + off)),
          size,
          size,
          (y, x0, x1) => {
            for (let x = Math.max(x0, off); x < Math.min(x1, off + W); x++) got[(y - off) * W + x - off] = 1;
          },
          { rowStart: off, rowEnd: off + H },
        );
        // shifting by whole pixels shifts the snapped coordinates exactly, so the oracle applies
        // (pixels left of `off` are x < 0 in the unshifted frame: outside the oracle's canvas)
        expect(got).toEqual(oracleMask(rs, W, H));
      }),
      { numRuns: 150 },
    );
  });
});

describe('rasterizeSpans invariants', () => {
  it('shifting by whole pixels shifts the mask', () => {
    fc.assert(
      fc.property(rings, fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }), (rs, dx, dy) => {
        const big = 40;
        const a = mask(
          rs.map((r) => r.map((v) => v + 10)),
          big,
          big,
        );
        const b = mask(
          rs.map((r) => r.map((v, i) => v + 10 + (i % 2 === 0 ? dx : dy))),
          big,
          big,
        );
        for (let y = 0; y < big; y++) {
          for (let x = 0; x < big; x++) {
            const xs = x + dx;
            const ys = y + dy;
            if (xs < 0 || ys < 0 || xs >= big || ys >= big) continue;
            if (a[y * big + x] !== b[ys * big + xs]) return false;
          }
        }
        return true;
      }),
      { numRuns: 120 },
    );
  });

  it('filled count differs from the area of a simple polygon by at most its perimeter', () => {
    fc.assert(
      fc.property(star(1, 8), (r) => {
        const n = count(mask([r], W, H));
        expect(Math.abs(n - shoelace(r))).toBeLessThanOrEqual(perimeter(r));
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on ring direction, start vertex or ring order', () => {
    fc.assert(
      fc.property(rings, fc.nat(), (rs, k) => {
        const ref = mask(rs, W, H);
        expect(mask(rs.map(reverse), W, H)).toEqual(ref);
        expect(
          mask(
            rs.map((r) => rotate(r, k)),
            W,
            H,
          ),
        ).toEqual(ref);
        expect(mask([...rs].reverse(), W, H)).toEqual(ref);
        // an explicit closing vertex changes nothing either
        expect(
          mask(
            rs.map((r) => [...r, r[0]!, r[1]!]),
            W,
            H,
          ),
        ).toEqual(ref);
      }),
      { numRuns: 120 },
    );
  });

  it('band by band equals the whole canvas', () => {
    fc.assert(
      fc.property(rings, fc.integer({ min: 1, max: H }), (rs, bandHeight) => {
        const full = mask(rs, W, H);
        const banded = new Uint8Array(W * H);
        for (let r = 0; r < H; r += bandHeight) {
          const part = mask(rs, W, H, { rowStart: r, rowEnd: r + bandHeight });
          for (let i = r * W; i < Math.min(H, r + bandHeight) * W; i++) banded[i] = part[i]!;
          // nothing outside the band
          for (let i = 0; i < W * H; i++)
            if (part[i] && (i < r * W || i >= (r + bandHeight) * W)) return false;
        }
        expect(banded).toEqual(full);
        return true;
      }),
      { numRuns: 150 },
    );
  });
});

describe('rasterizeSpans examples', () => {
  it('an integer rectangle fills exactly its area', () => {
    expect(count(mask([[1, 1, 5, 1, 5, 4, 1, 4]], 8, 8))).toBe(12);
    const m = mask([[1, 1, 5, 1, 5, 4, 1, 4]], 8, 8);
    expect(m[1 * 8 + 1]).toBe(1);
    expect(m[3 * 8 + 4]).toBe(1);
    expect(m[4 * 8 + 4]).toBe(0);
    expect(m[1 * 8 + 5]).toBe(0);
  });

  it('the diamond with vertices on pixel centres covers 8 pixels (its area)', () => {
    expect(count(mask([[2.5, 0.5, 4.5, 2.5, 2.5, 4.5, 0.5, 2.5]], 6, 6))).toBe(8);
  });

  it('a centre on a left/top edge is in, on a right/bottom edge out', () => {
    const m = mask([[0.5, 0.5, 2.5, 0.5, 2.5, 2.5, 0.5, 2.5]], 4, 4);
    expect([...m]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('two annotations sharing an edge partition the pixels (no gap, no double cover)', () => {
    // Grid coordinates (1/256 px, so snapping changes nothing) and R1, R2 on opposite sides of PQ.
    const g = fc.integer({ min: -256, max: 13 * 256 }).map((v) => v / 256);
    const pt = fc.tuple(g, g);
    fc.assert(
      fc.property(pt, pt, pt, pt, ([px, py], [qx, qy], [ax, ay], [bx, by]) => {
        const side = (x: number, y: number) => Math.sign((qx - px) * (y - py) - (qy - py) * (x - px));
        if (side(ax, ay) * side(bx, by) >= 0) return true;
        const a = mask([[px, py, qx, qy, ax, ay]], 12, 12);
        const b = mask([[px, py, qx, qy, bx, by]], 12, 12);
        const quad = mask([[px, py, ax, ay, qx, qy, bx, by]], 12, 12);
        for (let i = 0; i < 144; i++) {
          if (a[i]! & b[i]!) return false;
          if ((a[i]! | b[i]!) !== quad[i]) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
    // the plain case: two triangles of a rectangle
    const t1 = mask([[0, 0, 7, 0, 0, 5]], 8, 8);
    const t2 = mask([[7, 0, 7, 5, 0, 5]], 8, 8);
    for (let i = 0; i < 64; i++) expect(t1[i]! + t2[i]!).toBeLessThanOrEqual(1);
    expect(count(t1) + count(t2)).toBe(35);
  });

  it('sub-pixel polygons fill the pixel whose centre they contain, or nothing', () => {
    expect(count(mask([[3.4, 3.4, 3.6, 3.4, 3.5, 3.6]], 8, 8))).toBe(1);
    expect(count(mask([[3.6, 3.6, 3.9, 3.6, 3.7, 3.9]], 8, 8))).toBe(0);
    expect(count(mask([[3, 3, 3.2, 3, 3.1, 3.2]], 8, 8))).toBe(0);
  });

  it('clips to the canvas and handles a triangle spanning ±1e9', () => {
    expect(count(mask([[-1e9, -1e9, 1e9, -1e9, 0, 1e9]], 16, 16))).toBe(256);
    expect(count(mask([[-1e9, -5, -1e9 + 1, -5, -1e9, 30]], 16, 16))).toBe(0);
  });

  it('rejects NaN and infinite coordinates, naming the annotation, before any span', () => {
    const r = new Rasterizer();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      let spans = 0;
      try {
        r.spans(
          [
            [0, 0, 4, 0, 4, 4],
            [1, 1, bad, 2, 2, 2],
          ],
          8,
          8,
          () => spans++,
          undefined,
          { annotationId: 42, imageId: 7 },
        );
        expect.unreachable();
      } catch (e) {
        expect(isCytorxError(e, 'CYTORX_INVALID_GEOMETRY')).toBe(true);
        expect((e as Error).message).toContain('annotation 42');
        expect(spans).toBe(0);
      }
    }
    expect(() => rasterizeSpans([[0, 0, 1]], 4, 4, () => {})).toThrow(/odd number/);
  });

  it('ignores rings with fewer than 3 vertices and empty input', () => {
    expect(count(mask([[0, 0, 5, 5]], 8, 8))).toBe(0);
    expect(count(mask([], 8, 8))).toBe(0);
    expect(
      count(
        mask(
          [
            [0, 0, 8, 0, 8, 8, 0, 8],
            [1, 1],
          ],
          8,
          8,
        ),
      ),
    ).toBe(64);
  });

  it('is reentrant (a span callback may rasterize another annotation)', () => {
    const inner: number[] = [];
    const outer: number[] = [];
    rasterizeSpans([[0, 0, 4, 0, 4, 2, 0, 2]], 8, 8, (y) => {
      outer.push(y);
      rasterizeSpans([[0, 4, 4, 4, 4, 5, 0, 5]], 8, 8, (yy) => inner.push(yy));
    });
    expect(outer).toEqual([0, 1]);
    expect(inner).toEqual([4, 4]);
  });
});

describe('geometryToRings', () => {
  it('flattens polygons, multipolygons and collections, dropping closing vertices', () => {
    expect(
      geometryToRings({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 0],
          ],
          [
            [1, 1],
            [2, 1],
            [2, 2],
          ],
        ],
      }),
    ).toEqual([
      [0, 0, 4, 0, 4, 4],
      [1, 1, 2, 1, 2, 2],
    ]);
    expect(
      geometryToRings({
        type: 'GeometryCollection',
        geometries: [
          { type: 'Point', coordinates: [1, 1] },
          {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                ],
              ],
              [
                [
                  [5, 5],
                  [6, 5],
                  [6, 6],
                  [5, 5],
                ],
              ],
            ],
          },
        ],
      }),
    ).toEqual([
      [0, 0, 1, 0, 1, 1],
      [5, 5, 6, 5, 6, 6],
    ]);
    expect(
      geometryToRings({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toEqual([]);
  });
});
