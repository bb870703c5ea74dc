import type { Geometry, Position } from '../pipeline/types.js';
import { ringSignedArea } from './area.js';
import { flipY } from './transform.js';

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

/**
 * Twice the signed area of `ring` flipped (`y -> height - y`), computed on the fly with the
 * same arithmetic as {@link ringSignedArea} on the flipped numbers (so the results are equal).
 */
function flippedArea(ring: readonly Position[], height: number): number {
  const n = ring.length;
  let area = 0;
  if (n >= 3) {
    const ox = ring[0]![0];
    const oy = height - ring[0]![1];
    for (let i = 1; i < n - 1; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      area += (a[0] - ox) * (height - b[1] - oy) - (b[0] - ox) * (height - a[1] - oy);
    }
  }
  return area;
}

/**
 * `orientGeometry(flipY(geometry, height))` in one pass per ring, without the intermediate
 * copy: the flipped ring's signed area is computed on the fly (same arithmetic as
 * {@link ringSignedArea} on the flipped numbers, so the result is identical), then the
 * flipped positions are written in the final order.
 * @internal
 */
export function flipYOriented(geometry: Geometry, height: number): Geometry {
  const flipRing = (ring: Position[], wantPositive: boolean): Position[] => {
    const n = ring.length;
    const area = flippedArea(ring, height);
    const out: Position[] = new Array(n);
    if (area === 0 || area > 0 === wantPositive || n < 3) {
      for (let i = 0; i < n; i++) out[i] = [ring[i]![0], height - ring[i]![1]];
      return out;
    }
    // Reverse keeping the first vertex (and the closing one when the ring is closed).
    const first = ring[0]!;
    const last = ring[n - 1]!;
    const closed = first[0] === last[0] && height - first[1] === height - last[1];
    const end = closed ? n - 1 : n;
    out[0] = [first[0], height - first[1]];
    for (let i = 1; i < end; i++) {
      const p = ring[end - i]!;
      out[i] = [p[0], height - p[1]];
    }
    if (closed) out[n - 1] = [last[0], height - last[1]];
    return out;
  };
  const polygon = (poly: Position[][]): Position[][] => poly.map((r, i) => flipRing(r, i === 0));
  switch (geometry.type) {
    case 'Polygon':
      return { type: 'Polygon', coordinates: polygon(geometry.coordinates) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: geometry.coordinates.map(polygon) };
    case 'GeometryCollection':
      return {
        type: 'GeometryCollection',
        geometries: geometry.geometries.map((g) => flipYOriented(g, height)),
      };
    default:
      return flipY(geometry, height);
  }
}

/**
 * {@link flipYOriented} in place: the same numbers and the same vertex order, written into the
 * geometry's own position arrays (no new array). For geometries nobody else holds (fresh from
 * the WKT reader). Returns `geometry`.
 * @internal
 */
export function flipYOrientedInPlace(geometry: Geometry, height: number): Geometry {
  const flipRing = (ring: Position[], wantPositive: boolean): void => {
    const n = ring.length;
    const area = flippedArea(ring, height);
    const first = ring[0];
    const last = ring[n - 1];
    const closed =
      first !== undefined &&
      last !== undefined &&
      first[0] === last[0] &&
      height - first[1] === height - last[1];
    for (let i = 0; i < n; i++) {
      const p = ring[i]!;
      p[1] = height - p[1];
    }
    if (area === 0 || area > 0 === wantPositive || n < 3) return;
    // Reverse keeping the first vertex (and the closing one when the ring is closed).
    const end = closed ? n - 1 : n;
    for (let i = 1, j = end - 1; i < j; i++, j--) {
      const t = ring[i]!;
      ring[i] = ring[j]!;
      ring[j] = t;
    }
  };
  const polygon = (poly: Position[][]): void => {
    for (let i = 0; i < poly.length; i++) flipRing(poly[i]!, i === 0);
  };
  switch (geometry.type) {
    case 'Polygon':
      polygon(geometry.coordinates);
      return geometry;
    case 'MultiPolygon':
      for (const p of geometry.coordinates) polygon(p);
      return geometry;
    case 'GeometryCollection':
      for (const g of geometry.geometries) flipYOrientedInPlace(g, height);
      return geometry;
    case 'Point':
      geometry.coordinates[1] = height - geometry.coordinates[1];
      return geometry;
    case 'MultiPoint':
    case 'LineString':
      for (const p of geometry.coordinates) p[1] = height - p[1];
      return geometry;
    case 'MultiLineString':
      for (const l of geometry.coordinates) for (const p of l) p[1] = height - p[1];
      return geometry;
  }
}
