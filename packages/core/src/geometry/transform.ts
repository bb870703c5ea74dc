import type { Geometry, Position } from '../pipeline/types.js';

/**
 * Calls `fn(x, y)` for every position of a geometry (closing vertices included), depth first.
 * @param geometry - Any GeoJSON geometry.
 * @param fn - Visitor.
 * @example
 * ```ts
 * import { forEachPosition } from '@cytorx/core';
 * let n = 0;
 * forEachPosition({ type: 'LineString', coordinates: [[0, 0], [1, 1]] }, () => n++); // n === 2
 * ```
 */
export function forEachPosition(geometry: Geometry, fn: (x: number, y: number) => void): void {
  switch (geometry.type) {
    case 'Point':
      fn(geometry.coordinates[0], geometry.coordinates[1]);
      return;
    case 'MultiPoint':
    case 'LineString':
      for (const p of geometry.coordinates) fn(p[0], p[1]);
      return;
    case 'MultiLineString':
    case 'Polygon':
      for (const line of geometry.coordinates) for (const p of line) fn(p[0], p[1]);
      return;
    case 'MultiPolygon':
      for (const poly of geometry.coordinates) for (const ring of poly) for (const p of ring) fn(p[0], p[1]);
      return;
    case 'GeometryCollection':
      for (const g of geometry.geometries) forEachPosition(g, fn);
      return;
  }
}

/**
 * Returns a new geometry with every position mapped through `fn`; the structure (types, ring
 * and vertex order) is kept. The input is not mutated.
 * @param geometry - Any GeoJSON geometry.
 * @param fn - Maps `(x, y)` to the new position.
 * @example
 * ```ts
 * import { transformGeometry } from '@cytorx/core';
 * transformGeometry({ type: 'Point', coordinates: [1, 2] }, (x, y) => [x + 1, y]); // Point [2, 2]
 * ```
 */
export function transformGeometry(geometry: Geometry, fn: (x: number, y: number) => Position): Geometry {
  const line = (ps: Position[]): Position[] => ps.map((p) => fn(p[0], p[1]));
  switch (geometry.type) {
    case 'Point':
      return { type: 'Point', coordinates: fn(geometry.coordinates[0], geometry.coordinates[1]) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: line(geometry.coordinates) };
    case 'LineString':
      return { type: 'LineString', coordinates: line(geometry.coordinates) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: geometry.coordinates.map(line) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: geometry.coordinates.map(line) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(line)) };
    case 'GeometryCollection':
      return {
        type: 'GeometryCollection',
        geometries: geometry.geometries.map((g) => transformGeometry(g, fn)),
      };
  }
}

/**
 * Mirrors a geometry vertically: `y' = height - y`, x unchanged. This is the map between
 * Cytomine's frame (origin bottom-left, y up) and image pixel space (origin top-left, y down);
 * it is its own inverse and maps the rectangle `[0, W] x [0, height]` onto itself. Ring
 * orientation is reversed by the mirror (use {@link orientGeometry} afterwards to normalise).
 * @param geometry - Any GeoJSON geometry.
 * @param height - The image height, in the geometry's units (full-res height times the scale).
 * @example
 * ```ts
 * import { flipY } from '@cytorx/core';
 * flipY({ type: 'Point', coordinates: [10, 30] }, 100); // Point [10, 70]
 * ```
 */
export function flipY(geometry: Geometry, height: number): Geometry {
  return transformGeometry(geometry, (x, y) => [x, height - y]);
}

/**
 * Multiplies every coordinate by `factor` (x and y alike).
 * @param geometry - Any GeoJSON geometry.
 * @param factor - Scale factor; powers of two are exact in floating point.
 * @example
 * ```ts
 * import { scaleGeometry } from '@cytorx/core';
 * scaleGeometry({ type: 'Point', coordinates: [10, 30] }, 0.5); // Point [5, 15]
 * ```
 */
export function scaleGeometry(geometry: Geometry, factor: number): Geometry {
  return transformGeometry(geometry, (x, y) => [x * factor, y * factor]);
}

/**
 * Adds `(dx, dy)` to every position.
 * @param geometry - Any GeoJSON geometry.
 * @param dx - Shift along x.
 * @param dy - Shift along y.
 * @example
 * ```ts
 * import { translateGeometry } from '@cytorx/core';
 * translateGeometry({ type: 'Point', coordinates: [10, 30] }, -10, -20); // Point [0, 10]
 * ```
 */
export function translateGeometry(geometry: Geometry, dx: number, dy: number): Geometry {
  return transformGeometry(geometry, (x, y) => [x + dx, y + dy]);
}

/**
 * True when every coordinate of the geometry is a finite number.
 * @example
 * ```ts
 * import { isFiniteGeometry } from '@cytorx/core';
 * isFiniteGeometry({ type: 'Point', coordinates: [NaN, 0] }); // false
 * ```
 */
export function isFiniteGeometry(geometry: Geometry): boolean {
  let ok = true;
  forEachPosition(geometry, (x, y) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) ok = false;
  });
  return ok;
}
