import wkx from 'wkx';
import type { Geometry, Position } from '../pipeline/types.js';
import type { Annotation } from '../resources/types.js';
import { ringVertices } from './polygon-validity.js';

/** Parses WKT into GeoJSON with wkx; `undefined` when it does not parse. */
export function parseWktGeometry(wkt: string): Geometry | undefined {
  try {
    return wkx.Geometry.parse(wkt).toGeoJSON() as Geometry;
  } catch {
    return undefined;
  }
}

function family(g: Geometry): string {
  switch (g.type) {
    case 'Point':
    case 'MultiPoint':
      return 'P';
    case 'LineString':
    case 'MultiLineString':
      return 'L';
    case 'Polygon':
    case 'MultiPolygon':
      return 'A';
    case 'GeometryCollection':
      return 'C';
  }
}

function vertices(g: Geometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates;
    case 'MultiLineString':
      return g.coordinates.flat();
    case 'Polygon':
      return g.coordinates.flatMap(ringVertices);
    case 'MultiPolygon':
      return g.coordinates.flatMap((p) => p.flatMap(ringVertices));
    case 'GeometryCollection':
      return g.geometries.flatMap(vertices);
  }
}

/**
 * A shape signature that ignores ring start, ring orientation and ring order: the sorted
 * vertex list. Two geometries match when their signatures agree within `tolerance` per
 * coordinate.
 */
interface Shape {
  coarse: string;
  sorted: Position[];
}

function shapeOf(image: number, terms: readonly number[], g: Geometry): Shape {
  const vs = vertices(g)
    .slice()
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const t = [...terms].sort((a, b) => a - b).join(',');
  return { coarse: `${image}|${t}|${family(g)}|${vs.length}`, sorted: vs };
}

function sameShape(a: Shape, b: Shape, tolerance: number): boolean {
  for (let i = 0; i < a.sorted.length; i++) {
    const p = a.sorted[i]!;
    const q = b.sorted[i]!;
    if (Math.abs(p[0] - q[0]) > tolerance || Math.abs(p[1] - q[1]) > tolerance) return false;
  }
  return true;
}

/**
 * Decides which of the server's annotations is which sent item after a batch whose answer was
 * lost: an annotation matches an item when it is on the same image, has the same terms (as a
 * set) and the same vertices (any ring start/orientation/order) within `tolerance` px. Each
 * annotation is claimed at most once, so identical items match distinct annotations.
 */
export class AnnotationMatcher {
  private readonly buckets = new Map<string, Array<{ id: number; shape: Shape }>>();
  private readonly tolerance: number;

  /**
   * @param annotations - Listed annotations (with `location` and `term`).
   * @param skip - Ids that are already accounted for (recorded in the ledger or claimed).
   * @param tolerance - Per-coordinate tolerance in px (default 1e-3).
   */
  constructor(annotations: Iterable<Annotation>, skip: (id: number) => boolean, tolerance = 1e-3) {
    this.tolerance = tolerance;
    for (const a of annotations) {
      if (skip(a.id) || typeof a.location !== 'string' || typeof a.image !== 'number') continue;
      const g = parseWktGeometry(a.location);
      if (!g) continue;
      const shape = shapeOf(a.image, a.term, g);
      const bucket = this.buckets.get(shape.coarse);
      if (bucket) bucket.push({ id: a.id, shape });
      else this.buckets.set(shape.coarse, [{ id: a.id, shape }]);
    }
  }

  /** Claims and returns the id of an unclaimed annotation matching this item, if any. */
  take(image: number, terms: readonly number[], geometry: Geometry): number | undefined {
    const shape = shapeOf(image, terms, geometry);
    const bucket = this.buckets.get(shape.coarse);
    if (!bucket) return undefined;
    // Lowest id first: the server hands out ids in send order.
    let best = -1;
    for (let i = 0; i < bucket.length; i++) {
      const c = bucket[i]!;
      if (sameShape(shape, c.shape, this.tolerance) && (best < 0 || c.id < bucket[best]!.id)) best = i;
    }
    if (best < 0) return undefined;
    const [hit] = bucket.splice(best, 1);
    return hit!.id;
  }
}
