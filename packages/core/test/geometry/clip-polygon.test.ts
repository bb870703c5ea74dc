import type { Geometry, Position } from '@cytorx/core';
import { clipGeometryToRect, geometryArea, orientGeometry, repairGeometry } from '@cytorx/core';
import fc from 'fast-check';
import polygonClipping from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { clipPolygonsToRect } from '../../src/geometry/clip-polygon.js';
import { findRingContacts } from '../../src/geometry/self-intersections.js';
import { ring } from './arbitraries.js';

type Rect = [number, number, number, number];

const evenOdd = (p: Position, rings: Position[][]): boolean => {
  let inside = false;
  for (const r of rings) {
    for (let i = 0; i + 1 < r.length; i++) {
      const [x0, y0] = r[i]!;
      const [x1, y1] = r[i + 1]!;
      if (y0 > p[1] !== y1 > p[1] && p[0] < x0 + ((p[1] - y0) * (x1 - x0)) / (y1 - y0)) inside = !inside;
    }
  }
  return inside;
};

/** Valid polygons (often multipolygons with holes): random rings made valid by repairGeometry. */
const validPolygons = (coord: fc.Arbitrary<number>) =>
  fc
    .array(ring(coord), { minLength: 1, maxLength: 3 })
    .map((rings) => repairGeometry({ type: 'Polygon', coordinates: rings }))
    .filter((r) => r.ok)
    .map(
      (r) =>
        orientGeometry((r as { geometry: Geometry }).geometry) as Extract<
          Geometry,
          { type: 'Polygon' | 'MultiPolygon' }
        >,
    );

const partsOf = (g: Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }>): Position[][][] =>
  g.type === 'Polygon' ? [g.coordinates] : g.coordinates;

function checkAgainstPolygonClipping(
  g: Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }>,
  rect: Rect,
): boolean {
  const fast = clipPolygonsToRect(partsOf(g), rect);
  if (!fast) return false;
  const reference = polygonClipping.intersection(g.coordinates, [
    [
      [rect[0], rect[1]],
      [rect[2], rect[1]],
      [rect[2], rect[3]],
      [rect[0], rect[3]],
      [rect[0], rect[1]],
    ],
  ]) as Position[][][];
  const a = geometryArea({ type: 'MultiPolygon', coordinates: fast });
  const b = geometryArea({ type: 'MultiPolygon', coordinates: reference });
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, b));
  const outside = fast.flat(2).filter(([x, y]) => x < rect[0] || x > rect[2] || y < rect[1] || y > rect[3]);
  expect(outside).toEqual([]);
  // Same region, sampled; and the output is a valid polygon by the repair's checker.
  const fr = fast.flat();
  const rr = reference.flat();
  const bad: Position[] = [];
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      const p: Position = [
        rect[0] + ((i + 0.4142) / 12) * (rect[2] - rect[0]),
        rect[1] + ((j + 0.7321) / 12) * (rect[3] - rect[1]),
      ];
      if (evenOdd(p, fr) !== evenOdd(p, rr)) bad.push(p);
    }
  }
  expect(bad).toEqual([]);
  // Exact validity of the output only when no two input rings touch: a vertex lying exactly on
  // another ring's edge stays on it only up to round-off once that edge is cut.
  const touching = findRingContacts(
    partsOf(g)
      .flat()
      .map((x) => x.slice(0, -1)),
  ).found;
  if (fast.length > 0 && !touching) {
    expect(repairGeometry({ type: 'MultiPolygon', coordinates: fast })).toMatchObject({
      ok: true,
      changed: false,
    });
    for (const part of fast) {
      part.forEach((r, k) => {
        expect(geometryArea({ type: 'Polygon', coordinates: [r] })).toBeGreaterThan(0);
        void k;
      });
    }
  }
  return true;
}

describe('clipPolygonsToRect (fast exact clip) against polygon-clipping', () => {
  it('property: float polygons with holes and parts: same area and region, valid output, inside the rectangle', () => {
    let fastCount = 0;
    let total = 0;
    fc.assert(
      fc.property(validPolygons(fc.double({ min: -40, max: 140, noNaN: true })), (g) => {
        total++;
        if (checkAgainstPolygonClipping(g, [0.5, 0.25, 99.75, 60.125])) fastCount++;
      }),
      { numRuns: 300 },
    );
    // Float vertices almost never sit exactly on a side: the fast path is usually taken (it
    // also steps aside for rings that touch, common in polygon-clipping's output).
    expect(fastCount).toBeGreaterThan(0.9 * total);
  });

  it('property: integer polygons against an integer rectangle (vertices on the sides fall back)', () => {
    fc.assert(
      fc.property(validPolygons(fc.integer({ min: -20, max: 60 })), (g) => {
        checkAgainstPolygonClipping(g, [0, 0, 40, 30]);
      }),
      { numRuns: 300 },
    );
  });

  it('clipGeometryToRect falls back to polygon-clipping when a vertex lies on a side', () => {
    const g: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [-10, 0],
          [10, 0],
          [10, 10],
          [-10, 10],
          [-10, 0],
        ],
      ],
    };
    expect(clipPolygonsToRect([g.coordinates], [0, 0, 5, 5])).toBeUndefined();
    expect(geometryArea(clipGeometryToRect(g, [0, 0, 5, 5])!)).toBe(25);
  });
});
