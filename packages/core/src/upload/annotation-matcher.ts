import wkx from 'wkx';
import type { Geometry, Position } from '../pipeline/types.js';
import type { Annotation } from '../resources/types.js';
import { ringVertices } from './simplify.js';

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
  /** image|terms|family: the bucket of the loose match. */
  loose: string;
  sorted: Position[];
  bbox: [number, number, number, number];
}

/**
 * The real server simplifies polygons of 100 points or more above its configured cap
 * (`SimplifyGeometryService`), so an exact vertex match can fail for them; they get a loose
 * match instead (same image, terms and kind, bounding boxes overlapping by `LOOSE_IOU`).
 */
const LOOSE_MIN_VERTICES = 100;
const LOOSE_IOU = 0.9;

function bboxIou(a: Shape['bbox'], b: Shape['bbox']): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w < 0 || h < 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 1;
}

function shapeOf(image: number, terms: readonly number[], g: Geometry): Shape {
  const vs = vertices(g)
    .slice()
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const t = [...terms].sort((a, b) => a - b).join(',');
  const bbox: Shape['bbox'] = [
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
  for (const [x, y] of vs) {
    bbox[0] = Math.min(bbox[0], x);
    bbox[1] = Math.min(bbox[1], y);
    bbox[2] = Math.max(bbox[2], x);
    bbox[3] = Math.max(bbox[3], y);
  }
  const loose = `${image}|${t}|${family(g)}`;
  return { coarse: `${loose}|${vs.length}`, loose, sorted: vs, bbox };
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
  private readonly looseBuckets = new Map<string, Array<{ id: number; shape: Shape }>>();
  private readonly claimed = new Set<number>();
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
      const entry = { id: a.id, shape };
      const bucket = this.buckets.get(shape.coarse);
      if (bucket) bucket.push(entry);
      else this.buckets.set(shape.coarse, [entry]);
      const loose = this.looseBuckets.get(shape.loose);
      if (loose) loose.push(entry);
      else this.looseBuckets.set(shape.loose, [entry]);
    }
  }

  /**
   * Claims and returns the id of an unclaimed annotation matching this item, if any: an exact
   * match (same vertices within the tolerance), else, for polygons of 100 vertices or more, the
   * unclaimed annotation with fewer or as many vertices whose bounding box overlaps most
   * (IoU >= 0.9): the server may have simplified it.
   */
  take(image: number, terms: readonly number[], geometry: Geometry): number | undefined {
    const shape = shapeOf(image, terms, geometry);
    // Lowest id first among equals: the server hands out ids in send order.
    let best: { id: number } | undefined;
    for (const c of this.buckets.get(shape.coarse) ?? []) {
      if (this.claimed.has(c.id) || !sameShape(shape, c.shape, this.tolerance)) continue;
      if (best === undefined || c.id < best.id) best = c;
    }
    if (best === undefined && shape.loose.endsWith('|A') && shape.sorted.length >= LOOSE_MIN_VERTICES) {
      let bestIou = LOOSE_IOU;
      for (const c of this.looseBuckets.get(shape.loose) ?? []) {
        if (this.claimed.has(c.id) || c.shape.sorted.length > shape.sorted.length) continue;
        const iou = bboxIou(shape.bbox, c.shape.bbox);
        if (iou >= bestIou) {
          bestIou = iou;
          best = c;
        }
      }
    }
    if (best === undefined) return undefined;
    this.claimed.add(best.id);
    return best.id;
  }
}
