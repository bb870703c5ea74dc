import type { Geometry, Position } from '../pipeline/types.js';

/**
 * Signed area of a ring by the shoelace formula, `½ Σ (x_i·y_{i+1} − x_{i+1}·y_i)`, applied to
 * the numbers as given. Positive means counter-clockwise when the axes are drawn y-up (the
 * RFC 7946 exterior orientation); in a y-down image frame, positive rings look clockwise on
 * screen. The closing vertex is optional.
 * @param ring - The ring's positions.
 * @example
 * ```ts
 * import { ringSignedArea } from '@cytorx/core';
 * ringSignedArea([[0, 0], [2, 0], [2, 1], [0, 1]]); // 2
 * ```
 */
export function ringSignedArea(ring: ReadonlyArray<Readonly<Position>>): number {
  const n = ring.length;
  if (n < 3) return 0;
  // Shift by the first vertex: same result in exact arithmetic, much less cancellation.
  const ox = ring[0]![0];
  const oy = ring[0]![1];
  let sum = 0;
  for (let i = 1; i < n - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    sum += (a[0] - ox) * (b[1] - oy) - (b[0] - ox) * (a[1] - oy);
  }
  return sum / 2;
}

/** Length of an open or closed polyline. */
function lineLength(line: ReadonlyArray<Readonly<Position>>): number {
  let sum = 0;
  for (let i = 1; i < line.length; i++) {
    sum += Math.hypot(line[i]![0] - line[i - 1]![0], line[i]![1] - line[i - 1]![1]);
  }
  return sum;
}

function polygonArea(poly: ReadonlyArray<ReadonlyArray<Readonly<Position>>>): number {
  let area = 0;
  poly.forEach((ring, i) => {
    const a = Math.abs(ringSignedArea(ring));
    area += i === 0 ? a : -a;
  });
  return area;
}

/**
 * Area of a geometry: for each polygon, |exterior| minus the |holes| (which assumes a valid
 * geometry, e.g. after `repairGeometry`); 0 for points and lines; the sum over parts and
 * collection members.
 * @param geometry - Any GeoJSON geometry.
 * @example
 * ```ts
 * import { geometryArea } from '@cytorx/core';
 * geometryArea({ type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]] }); // 16
 * ```
 */
export function geometryArea(geometry: Geometry): number {
  switch (geometry.type) {
    case 'Polygon':
      return polygonArea(geometry.coordinates);
    case 'MultiPolygon':
      return geometry.coordinates.reduce((s, p) => s + polygonArea(p), 0);
    case 'GeometryCollection':
      return geometry.geometries.reduce((s, g) => s + geometryArea(g), 0);
    default:
      return 0;
  }
}

/**
 * Perimeter of a geometry: total length of every ring (holes included) for polygons, total
 * length for lines, 0 for points.
 * @param geometry - Any GeoJSON geometry.
 * @example
 * ```ts
 * import { geometryPerimeter } from '@cytorx/core';
 * geometryPerimeter({ type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]] }); // 16
 * ```
 */
export function geometryPerimeter(geometry: Geometry): number {
  switch (geometry.type) {
    case 'LineString':
      return lineLength(geometry.coordinates);
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.reduce((s, l) => s + lineLength(l), 0);
    case 'MultiPolygon':
      return geometry.coordinates.reduce((s, p) => s + p.reduce((t, r) => t + lineLength(r), 0), 0);
    case 'GeometryCollection':
      return geometry.geometries.reduce((s, g) => s + geometryPerimeter(g), 0);
    default:
      return 0;
  }
}
