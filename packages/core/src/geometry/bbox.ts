import type { Geometry, Position } from '../pipeline/types.js';
import { forEachPosition } from './transform.js';

/** An axis-aligned box `[minX, minY, maxX, maxY]` (GeoJSON bbox order). */
export type BBox = [minX: number, minY: number, maxX: number, maxY: number];

/**
 * The bounding box of a list of positions, or `undefined` when it is empty.
 * @param positions - Positions, in any frame.
 * @example
 * ```ts
 * import { positionsBbox } from '@cytorx/core';
 * positionsBbox([[0, 0], [4, 2]]); // [0, 0, 4, 2]
 * ```
 */
export function positionsBbox(positions: ReadonlyArray<Readonly<Position>>): BBox | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of positions) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return minX <= maxX ? [minX, minY, maxX, maxY] : undefined;
}

/**
 * The bounding box of every position of a geometry, or `undefined` for an empty geometry.
 * NaN coordinates are ignored.
 * @param geometry - Any GeoJSON geometry.
 * @example
 * ```ts
 * import { geometryBbox } from '@cytorx/core';
 * geometryBbox({ type: 'Polygon', coordinates: [[[1, 2], [5, 2], [5, 7], [1, 2]]] }); // [1, 2, 5, 7]
 * ```
 */
export function geometryBbox(geometry: Geometry): BBox | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  forEachPosition(geometry, (x, y) => {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  });
  return minX <= maxX && minY <= maxY ? [minX, minY, maxX, maxY] : undefined;
}

/**
 * True when box `inner` lies inside box `outer` (boundaries included).
 * @example
 * ```ts
 * import { bboxContains } from '@cytorx/core';
 * bboxContains([0, 0, 10, 10], [2, 2, 10, 5]); // true
 * ```
 */
export function bboxContains(outer: Readonly<BBox>, inner: Readonly<BBox>): boolean {
  return inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3];
}

/**
 * True when the interiors of two boxes overlap (boxes that only touch do not).
 * @example
 * ```ts
 * import { bboxOverlaps } from '@cytorx/core';
 * bboxOverlaps([0, 0, 10, 10], [10, 0, 20, 10]); // false: they only share an edge
 * ```
 */
export function bboxOverlaps(a: Readonly<BBox>, b: Readonly<BBox>): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}
