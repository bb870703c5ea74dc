import type { Geometry, Position } from '@cytorx/core';
import fc from 'fast-check';

/** Coordinates on the 1/256 px grid, |v| < 2^21: every sum and difference below is exact. */
export const dyadic = fc.integer({ min: -(2 ** 29), max: 2 ** 29 }).map((v) => v / 256);

/** A closed ring of 3..10 arbitrary vertices (may self-intersect). */
export const ring = (coord: fc.Arbitrary<number> = dyadic): fc.Arbitrary<Position[]> =>
  fc
    .array(fc.tuple(coord, coord), { minLength: 3, maxLength: 10 })
    .map((ps) => [...ps.map((p): Position => [p[0], p[1]]), [ps[0]![0], ps[0]![1]]]);

export const polygonGeom = (coord?: fc.Arbitrary<number>): fc.Arbitrary<Geometry> =>
  fc
    .array(ring(coord), { minLength: 1, maxLength: 3 })
    .map((rings) => ({ type: 'Polygon', coordinates: rings }));

export const anyGeometry = (coord: fc.Arbitrary<number> = dyadic): fc.Arbitrary<Geometry> =>
  fc.oneof(
    fc.tuple(coord, coord).map(([x, y]): Geometry => ({ type: 'Point', coordinates: [x, y] })),
    fc
      .array(fc.tuple(coord, coord), { minLength: 2, maxLength: 8 })
      .map((ps): Geometry => ({ type: 'LineString', coordinates: ps.map((p): Position => [p[0], p[1]]) })),
    polygonGeom(coord),
    fc.array(polygonGeom(coord), { minLength: 1, maxLength: 3 }).map(
      (ps): Geometry => ({
        type: 'MultiPolygon',
        coordinates: ps.map((p) => (p as Extract<Geometry, { type: 'Polygon' }>).coordinates),
      }),
    ),
  );

/**
 * A simple star-shaped polygon around (cx, cy): vertices at increasing angles with random
 * radii, so it never self-intersects (possibly concave). Positive signed area.
 */
export const starPolygon = (opts: {
  center: fc.Arbitrary<number>;
  radius: fc.Arbitrary<number>;
}): fc.Arbitrary<Position[]> =>
  fc
    .tuple(
      opts.center,
      opts.center,
      fc.array(opts.radius, { minLength: 3, maxLength: 16 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(([cx, cy, radii, phase]) => {
      const n = radii.length;
      const pts = radii.map((r, i): Position => {
        const a = ((i + phase) / n) * 2 * Math.PI;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      });
      return [...pts, [pts[0]![0], pts[0]![1]]];
    });
