import type { Geometry, Position } from '../pipeline/types.js';

/**
 * Formats one coordinate for WKT: rounded to `decimals` places, never in exponent notation,
 * `-0` written as `0`.
 */
export function formatCoordinate(value: number, decimals = 6): string {
  // Fast path: integers (most pixel coordinates) print as they are.
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value === 0 ? '0' : String(value);
  const rounded = Number(value.toFixed(decimals));
  if (rounded === 0) return '0';
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  // Magnitudes of 1e21 and more are integers in binary64: print them digit by digit.
  if (Math.abs(rounded) >= 1e21) return BigInt(rounded).toString();
  // Tiny magnitudes are ruled out by the rounding above; keep a fixed form just in case.
  return rounded.toFixed(decimals).replace(/\.?0+$/, '');
}

function point(p: Position, decimals: number): string {
  return `${formatCoordinate(p[0], decimals)} ${formatCoordinate(p[1], decimals)}`;
}

function list(ps: readonly Position[], decimals: number): string {
  return `(${ps.map((p) => point(p, decimals)).join(', ')})`;
}

function rings(rs: readonly Position[][], decimals: number): string {
  return `(${rs.map((r) => list(closeRing(r), decimals)).join(', ')})`;
}

/** Returns the ring with its closing vertex (first repeated last), adding it when missing. */
export function closeRing(ring: readonly Position[]): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first === undefined || last === undefined) return [];
  if (first[0] === last[0] && first[1] === last[1] && ring.length > 1) return ring.slice();
  return [...ring, first];
}

/**
 * Serialises a GeoJSON geometry as WKT the way JTS writes it (`POLYGON ((0 0, 1 0, ...))`):
 * rings closed, coordinates rounded to `decimals` places, empty geometries as `... EMPTY`.
 * @param geometry - A GeoJSON geometry (2-D).
 * @param decimals - Decimal places kept (default 6).
 * @returns The WKT text.
 * @example
 * ```ts
 * import { toWkt } from '@cytorx/core';
 * toWkt({ type: 'Point', coordinates: [1, 2] }); // 'POINT (1 2)'
 * ```
 */
export function toWkt(geometry: Geometry, decimals = 6): string {
  switch (geometry.type) {
    case 'Point':
      return `POINT (${point(geometry.coordinates, decimals)})`;
    case 'MultiPoint':
      return geometry.coordinates.length === 0
        ? 'MULTIPOINT EMPTY'
        : `MULTIPOINT (${geometry.coordinates.map((p) => `(${point(p, decimals)})`).join(', ')})`;
    case 'LineString':
      return geometry.coordinates.length === 0
        ? 'LINESTRING EMPTY'
        : `LINESTRING ${list(geometry.coordinates, decimals)}`;
    case 'MultiLineString':
      return geometry.coordinates.length === 0
        ? 'MULTILINESTRING EMPTY'
        : `MULTILINESTRING (${geometry.coordinates.map((l) => list(l, decimals)).join(', ')})`;
    case 'Polygon':
      return geometry.coordinates.length === 0
        ? 'POLYGON EMPTY'
        : `POLYGON ${rings(geometry.coordinates, decimals)}`;
    case 'MultiPolygon':
      return geometry.coordinates.length === 0
        ? 'MULTIPOLYGON EMPTY'
        : `MULTIPOLYGON (${geometry.coordinates.map((p) => rings(p, decimals)).join(', ')})`;
    case 'GeometryCollection':
      return geometry.geometries.length === 0
        ? 'GEOMETRYCOLLECTION EMPTY'
        : `GEOMETRYCOLLECTION (${geometry.geometries.map((g) => toWkt(g, decimals)).join(', ')})`;
  }
}
