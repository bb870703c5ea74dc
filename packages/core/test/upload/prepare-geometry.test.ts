import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ringSignedArea } from '../../src/geometry/area.js';
import { repairGeometry } from '../../src/geometry/repair.js';
import type { Geometry, Position } from '../../src/pipeline/types.js';
import { DIMENSION_NOT_VALID, prepareGeometry } from '../../src/upload/prepare-geometry.js';
import { countVertices, simplifyToCap } from '../../src/upload/simplify.js';

const square = (x: number, y: number, s: number): Position[] => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];

/** A star-shaped (hence simple) ring with n vertices around (cx, cy). */
function star(n: number, cx: number, cy: number, r: number, seed: number): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const rr = r * (0.6 + 0.4 * Math.abs(Math.sin(seed * 7.1 + i * 1.3)));
    ring.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return ring;
}

describe('prepareGeometry validity', () => {
  const image = { width: 100, height: 100 };
  const poly = (...rings: Position[][]): Geometry => ({ type: 'Polygon', coordinates: rings });
  const notes = (g: Geometry) => {
    const r = prepareGeometry(g, image, { frame: 'cytomine' });
    return r.ok ? r.notes : [`refused: ${r.reason}`];
  };

  it('leaves valid polygons, with holes, and disjoint or nested multipolygons as they are', () => {
    expect(notes(poly(square(0, 0, 10)))).toEqual([]);
    expect(notes(poly(square(0, 0, 10), square(2, 2, 2)))).toEqual([]);
    expect(notes({ type: 'MultiPolygon', coordinates: [[square(0, 0, 10)], [square(20, 0, 5)]] })).toEqual(
      [],
    );
    expect(notes(poly(star(200, 50, 50, 40, 1)))).toEqual([]);
  });

  it('repairs bow-ties, holes outside their shell and overlapping parts; refuses them with repair: false', () => {
    const bow: Position[] = [
      [0, 0],
      [10, 10],
      [10, 0],
      [0, 10],
      [0, 0],
    ];
    for (const g of [
      poly(bow),
      poly(square(0, 0, 10), square(20, 20, 2)),
      { type: 'MultiPolygon', coordinates: [[square(0, 0, 10)], [square(5, 5, 10)]] } as Geometry,
    ]) {
      expect(notes(g)[0]).toMatch(/^repaired/);
      expect(prepareGeometry(g, image, { frame: 'cytomine', repair: false })).toMatchObject({ ok: false });
    }
    // Only tidying (a repeated vertex) is never a reason to refuse.
    const tidy = poly([
      [0, 0],
      [10, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ]);
    expect(prepareGeometry(tidy, image, { frame: 'cytomine', repair: false }).ok).toBe(true);
  });
});

describe('simplifyToCap', () => {
  it('reaches the cap and keeps a valid polygon close to the original area', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 3000 }),
        fc.integer({ min: 8, max: 200 }),
        fc.nat(1000),
        (n, cap, seed) => {
          const ring = star(n, 500, 500, 300, seed);
          const out = simplifyToCap([[ring]], cap);
          expect(out).toBeDefined();
          expect(countVertices(out!)).toBeLessThanOrEqual(cap);
          expect(repairGeometry({ type: 'MultiPolygon', coordinates: out! })).toMatchObject({
            ok: true,
            changed: false,
          });
          const before = Math.abs(ringSignedArea(ring.slice(0, -1)));
          const after = Math.abs(ringSignedArea(out![0]![0]!.slice(0, -1)));
          expect(Math.abs(after - before) / before).toBeLessThan(0.5);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('returns polygons under the cap unchanged', () => {
    const out = simplifyToCap([[square(0, 0, 4)]], 10);
    expect(out).toEqual([[square(0, 0, 4)]]);
  });
});

describe('prepareGeometry', () => {
  const image = { width: 1000, height: 800 };

  it('flips image space into Cytomine space (y = H - y)', () => {
    const r = prepareGeometry({ type: 'Polygon', coordinates: [square(10, 20, 30)] }, image);
    expect(r.ok && r.wkt).toBe('POLYGON ((10 780, 10 750, 40 750, 40 780, 10 780))');
    const p = prepareGeometry({ type: 'Point', coordinates: [5, 5] }, image, { frame: 'cytomine' });
    expect(p.ok && p.wkt).toBe('POINT (5 5)');
  });

  it("refuses polygons under 1 px wide or tall with the server's reason", () => {
    const thin: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [0.5, 0],
          [0.5, 50],
          [0, 50],
          [0, 0],
        ],
      ],
    };
    expect(prepareGeometry(thin, image)).toEqual({ ok: false, reason: DIMENSION_NOT_VALID });
    const line: Geometry = {
      type: 'LineString',
      coordinates: [
        [0, 5],
        [50, 5],
      ],
    };
    expect(prepareGeometry(line, image).ok).toBe(true);
  });

  it('repairs a bow-tie with the even-odd rule, or refuses it when asked', () => {
    const bow: Geometry = {
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
    const r = prepareGeometry(bow, image);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.geometry.type).toBe('MultiPolygon');
      expect(r.notes[0]).toMatch(/^repaired/);
    }
    expect(prepareGeometry(bow, image, { repair: false })).toMatchObject({ ok: false });
  });

  it('clips to the image and refuses what lies outside', () => {
    const r = prepareGeometry({ type: 'Polygon', coordinates: [square(-10, -10, 20)] }, image);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.notes).toContain('clipped to the image');
    expect(prepareGeometry({ type: 'Polygon', coordinates: [square(2000, 0, 20)] }, image)).toEqual({
      ok: false,
      reason: 'outside the image',
    });
    expect(prepareGeometry({ type: 'Point', coordinates: [-1, 3] }, image).ok).toBe(false);
  });

  it('simplifies geometries above the vertex cap', () => {
    const r = prepareGeometry({ type: 'Polygon', coordinates: [star(5000, 400, 400, 300, 3)] }, image, {
      maxVertices: 100,
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.notes.some((n) => n.startsWith('simplified 5000->'))).toBe(true);
      expect(countVertices([(r.geometry as { coordinates: Position[][] }).coordinates])).toBeLessThanOrEqual(
        100,
      );
    }
  });

  it('refuses empty, non-finite and collection geometries', () => {
    expect(prepareGeometry({ type: 'MultiPolygon', coordinates: [] }, image).ok).toBe(false);
    expect(prepareGeometry({ type: 'Point', coordinates: [Number.NaN, 1] }, image).ok).toBe(false);
    expect(prepareGeometry({ type: 'GeometryCollection', geometries: [] }, image).ok).toBe(false);
  });
});
