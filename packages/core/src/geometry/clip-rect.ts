import polygonClipping from 'polygon-clipping';
import type { Geometry, Position } from '../pipeline/types.js';
import { geometryArea } from './area.js';
import { type BBox, bboxContains, bboxOverlaps, geometryBbox } from './bbox.js';
import { clipLineToRect } from './clip-line.js';
import { clipPolygonsToRect } from './clip-polygon.js';
import { orientGeometry } from './orientation.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function rectPolygon(r: Readonly<BBox>): Position[][] {
  return [
    [
      [r[0], r[1]],
      [r[2], r[1]],
      [r[2], r[3]],
      [r[0], r[3]],
      [r[0], r[1]],
    ],
  ];
}

function clipPolygons(
  geometry: Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }>,
  rect: Readonly<BBox>,
): Geometry | undefined {
  const box = geometryBbox(geometry);
  if (!box) return undefined;
  if (bboxContains(rect, box)) return geometry;
  if (!bboxOverlaps(rect, box)) return undefined;
  // Fast exact path for oriented valid input; polygon-clipping when it is degenerate for it.
  const oriented = orientGeometry(geometry) as typeof geometry;
  const parts: Position[][][] =
    clipPolygonsToRect(oriented.type === 'Polygon' ? [oriented.coordinates] : oriented.coordinates, rect) ??
    polygonClipping
      .intersection(geometry.coordinates, rectPolygon(rect))
      // Intersection vertices lie on the rectangle up to rounding: snap them onto it.
      .map((poly) =>
        poly.map((ring) =>
          ring.map(([x, y]): Position => [clamp(x, rect[0], rect[2]), clamp(y, rect[1], rect[3])]),
        ),
      );
  if (parts.length === 0) return undefined;
  const result: Geometry =
    parts.length === 1 && geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: parts[0]! }
      : { type: 'MultiPolygon', coordinates: parts };
  return geometryArea(result) > 0 ? result : undefined;
}

const inside = (p: Readonly<Position>, r: Readonly<BBox>): boolean =>
  p[0] >= r[0] && p[0] <= r[2] && p[1] >= r[1] && p[1] <= r[3];

/**
 * Intersects a geometry with a closed rectangle. Polygons are cut by an exact half-plane
 * splitter (linear time), or by polygon-clipping's intersection when a vertex lies exactly on
 * a side of the rectangle; the result keeps the input type when it has one part, else it
 * becomes a MultiPolygon; exterior rings come out with positive signed area, holes negative.
 * A polygon whose bounding box lies inside the rectangle is returned as is (same object).
 * Lines are clipped with Liang–Barsky ({@link clipLineToRect}); points outside are dropped.
 * Returns `undefined` when nothing with positive area (polygons), positive length (lines) or
 * no point (points) remains.
 *
 * Polygons are expected to be valid (see `repairGeometry`): polygon-clipping reads a
 * self-crossing ring with the non-zero rule, which differs from the even-odd rule the masks use.
 * @param geometry - Any GeoJSON geometry.
 * @param rect - `[minX, minY, maxX, maxY]`.
 * @example
 * ```ts
 * import { clipGeometryToRect } from '@cytorx/core';
 * clipGeometryToRect({ type: 'Point', coordinates: [20, 5] }, [0, 0, 10, 10]); // undefined
 * ```
 */
export function clipGeometryToRect(geometry: Geometry, rect: Readonly<BBox>): Geometry | undefined {
  switch (geometry.type) {
    case 'Point':
      return inside(geometry.coordinates, rect) ? geometry : undefined;
    case 'MultiPoint': {
      const pts = geometry.coordinates.filter((p) => inside(p, rect));
      if (pts.length === geometry.coordinates.length) return geometry;
      return pts.length > 0 ? { type: 'MultiPoint', coordinates: pts } : undefined;
    }
    case 'LineString': {
      const box = geometryBbox(geometry);
      if (box && bboxContains(rect, box)) return geometry;
      const pieces = clipLineToRect(geometry.coordinates, rect);
      if (pieces.length === 0) return undefined;
      return pieces.length === 1
        ? { type: 'LineString', coordinates: pieces[0]! }
        : { type: 'MultiLineString', coordinates: pieces };
    }
    case 'MultiLineString': {
      const box = geometryBbox(geometry);
      if (box && bboxContains(rect, box)) return geometry;
      const pieces = geometry.coordinates.flatMap((l) => clipLineToRect(l, rect));
      return pieces.length > 0 ? { type: 'MultiLineString', coordinates: pieces } : undefined;
    }
    case 'Polygon':
    case 'MultiPolygon':
      return clipPolygons(geometry, rect);
    case 'GeometryCollection': {
      const members = geometry.geometries
        .map((g) => clipGeometryToRect(g, rect))
        .filter((g): g is Geometry => g !== undefined);
      return members.length > 0 ? { type: 'GeometryCollection', geometries: members } : undefined;
    }
  }
}
