import { clipSegment } from './clip.js';
import type { Coords, Geometry } from './geometry.js';
import { pointInRing } from './validate.js';

type Rect = readonly [number, number, number, number];

function vertexInside(c: Coords, r: Rect): boolean {
  for (let i = 0; i + 1 < c.length; i += 2) {
    const x = c[i]!;
    const y = c[i + 1]!;
    if (x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3]) return true;
  }
  return false;
}

function pathHits(c: Coords, r: Rect): boolean {
  for (let i = 0; i + 3 < c.length; i += 2)
    if (clipSegment(c[i]!, c[i + 1]!, c[i + 2]!, c[i + 3]!, r) !== null) return true;
  return false;
}

function polygonHits(rings: Coords[], r: Rect): boolean {
  if (rings.length === 0) return false;
  if (rings.some((ring) => vertexInside(ring, r) || pathHits(ring, r))) return true;
  // No boundary in the rectangle: it is either inside the polygon (not in a hole) or outside.
  const cx = r[0];
  const cy = r[1];
  if (pointInRing(cx, cy, rings[0]!) < 0) return false;
  for (let h = 1; h < rings.length; h++) if (pointInRing(cx, cy, rings[h]!) > 0) return false;
  return true;
}

/** PostGIS-like `ST_Intersects(geometry, rectangle)` (boundaries count). */
export function intersectsRect(g: Geometry, r: Rect): boolean {
  switch (g.type) {
    case 'Point':
      return vertexInside(g.coords, r);
    case 'MultiPoint':
      return g.points.some((p) => vertexInside(p, r));
    case 'LineString':
      return vertexInside(g.coords, r) || pathHits(g.coords, r);
    case 'MultiLineString':
      return g.lines.some((l) => vertexInside(l, r) || pathHits(l, r));
    case 'Polygon':
      return polygonHits(g.rings, r);
    case 'MultiPolygon':
      return g.polygons.some((p) => polygonHits(p, r));
  }
}
