import type { Geometry, Position } from '../pipeline/types.js';
import { ringSignedArea } from './area.js';

/**
 * True when the ring's signed area ({@link ringSignedArea}) is positive: counter-clockwise
 * in a y-up frame (clockwise as seen on a y-down screen). Zero-area rings are neither.
 * @example
 * ```ts
 * import { isRingCounterClockwise } from '@cytorx/core';
 * isRingCounterClockwise([[0, 0], [1, 0], [1, 1], [0, 0]]); // true
 * ```
 */
export function isRingCounterClockwise(ring: ReadonlyArray<Readonly<Position>>): boolean {
  return ringSignedArea(ring) > 0;
}

/**
 * Reverses a ring's direction while keeping its starting vertex: `[p0, p1, ..., pn-1, p0]`
 * becomes `[p0, pn-1, ..., p1, p0]` (an unclosed ring `[p0, ..., pn-1]` becomes
 * `[p0, pn-1, ..., p1]`). Reversing twice gives the input back.
 * @example
 * ```ts
 * import { reverseRing } from '@cytorx/core';
 * reverseRing([[0, 0], [1, 0], [1, 1], [0, 0]]); // [[0,0],[1,1],[1,0],[0,0]]
 * ```
 */
export function reverseRing(ring: ReadonlyArray<Position>): Position[] {
  const n = ring.length;
  if (n < 3) return ring.slice();
  const first = ring[0]!;
  const last = ring[n - 1]!;
  const closed = first[0] === last[0] && first[1] === last[1];
  const inner = ring.slice(1, closed ? n - 1 : n).reverse();
  return closed ? [first, ...inner, last] : [first, ...inner];
}

function orientPolygon(poly: Position[][]): Position[][] {
  return poly.map((ring, i) => {
    const a = ringSignedArea(ring);
    const wantPositive = i === 0;
    return a !== 0 && a > 0 !== wantPositive ? reverseRing(ring) : ring;
  });
}

/**
 * Normalises ring orientation to the RFC 7946 right-hand rule applied to the coordinates as
 * given: exterior rings get a positive signed area (shoelace), holes a negative one.
 * Reversal keeps each ring's starting vertex; zero-area rings are left as they are; points
 * and lines are returned unchanged. Idempotent. Returns a new geometry (rings that needed
 * no change are shared with the input).
 * @param geometry - Any GeoJSON geometry.
 * @example
 * ```ts
 * import { orientGeometry } from '@cytorx/core';
 * orientGeometry({ type: 'Polygon', coordinates: [[[0, 0], [0, 1], [1, 0], [0, 0]]] });
 * // exterior reversed: [[0,0],[1,0],[0,1],[0,0]]
 * ```
 */
export function orientGeometry(geometry: Geometry): Geometry {
  switch (geometry.type) {
    case 'Polygon':
      return { type: 'Polygon', coordinates: orientPolygon(geometry.coordinates) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: geometry.coordinates.map(orientPolygon) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: geometry.geometries.map(orientGeometry) };
    default:
      return geometry;
  }
}
