import type { Geometry, Position } from '@cytorx/core';

/**
 * Flattens the rings of a Polygon, MultiPolygon or GeometryCollection (its polygonal members)
 * into flat `[x0, y0, x1, y1, ...]` arrays for {@link rasterizeSpans}. The explicit closing
 * vertex is dropped; other geometry types (points, lines) have no area and give `[]`.
 * Coordinates are copied as they are (no validation: the rasterizer rejects NaN/Infinity).
 *
 * @param geometry a GeoJSON geometry in canvas pixels.
 * @returns every ring of every polygon, in order.
 * @example
 * ```ts
 * import { geometryToRings } from '@cytorx/writers';
 * geometryToRings({ type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 0]]] });
 * // [[0, 0, 4, 0, 4, 4]]
 * ```
 */
export function geometryToRings(geometry: Geometry): number[][] {
  const out: number[][] = [];
  collect(geometry, out);
  return out;
}

function collect(geometry: Geometry, out: number[][]): void {
  switch (geometry.type) {
    case 'Polygon':
      for (const ring of geometry.coordinates) out.push(flatten(ring));
      break;
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) for (const ring of polygon) out.push(flatten(ring));
      break;
    case 'GeometryCollection':
      for (const g of geometry.geometries) collect(g, out);
      break;
    default:
      break;
  }
}

function flatten(ring: ReadonlyArray<Position>): number[] {
  let n = ring.length;
  if (n > 1) {
    const a = ring[0]!;
    const b = ring[n - 1]!;
    if (a[0] === b[0] && a[1] === b[1]) n--;
  }
  const flat = new Array<number>(n * 2);
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    flat[2 * i] = p[0];
    flat[2 * i + 1] = p[1];
  }
  return flat;
}
