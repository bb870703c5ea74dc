import polygonClipping from 'polygon-clipping';
import { clipLineToRect } from '../geometry/clip-line.js';
import { orientGeometry } from '../geometry/orientation.js';
import { repairGeometry } from '../geometry/repair.js';
import { toWkt } from '../geometry/to-wkt.js';
import { flipY, forEachPosition } from '../geometry/transform.js';
import type { Frame, Geometry, Position } from '../pipeline/types.js';
import { countVertices, simplifyToCap } from './simplify.js';

/** What {@link prepareGeometry} needs to know about the target image. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Options of {@link prepareGeometry}. */
export interface PrepareGeometryOptions {
  /** Frame of the input geometry (default `'image'`: top-left origin, y down). */
  frame?: Frame;
  /** Vertex cap for polygons: above it they are simplified (default 5000; 0: no cap). */
  maxVertices?: number;
  /** Repair invalid polygons with the even-odd rule; false refuses them (default true). */
  repair?: boolean;
  /** Decimal places kept in the WKT (default 6). */
  decimals?: number;
}

/** A geometry ready to send, or the reason it cannot be. */
export type PreparedGeometry =
  | {
      ok: true;
      /** In Cytomine's frame (origin bottom-left, y up), as sent. */
      geometry: Geometry;
      wkt: string;
      /** What was changed: `repaired`, `clipped`, `simplified N->M`. */
      notes: string[];
    }
  | { ok: false; reason: string };

/** The server's answer for polygons under 1 px wide or tall (§4.6), word for word. */
export const DIMENSION_NOT_VALID = 'Annotation dimension not valid';

/** Bounding box `[minX, minY, maxX, maxY]` of a geometry (infinite values when empty). */
export function envelope(g: Geometry): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  forEachPosition(g, (x, y) => {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  });
  return [minX, minY, maxX, maxY];
}

/** Fixes that only tidy a polygon (JTS accepts the untidy form too): never a reason to refuse. */
const TIDY_FIXES = new Set(['closed an unclosed ring', 'removed repeated points']);

/**
 * Checks polygons with the package's even-odd repair (`repairGeometry`, the one the writers
 * use: it returns a valid input unchanged): `fixes` is empty for valid polygons, else says
 * what the repair did and `polygons` is the repaired version.
 */
function validate(
  polygons: Position[][][],
): { ok: true; polygons: Position[][][]; fixes: string[] } | { ok: false; reason: string } {
  const r = repairGeometry(fromPolygons(polygons));
  if (!r.ok) return { ok: false, reason: `invalid polygon (${r.reason})` };
  const repaired = r.changed ? asPolygons(r.geometry) : polygons;
  if (!repaired || repaired.length === 0) return { ok: false, reason: 'invalid polygon with no area left' };
  return { ok: true, polygons: repaired, fixes: r.fixes };
}

function asPolygons(g: Geometry): Position[][][] | undefined {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return undefined;
}

function fromPolygons(polygons: Position[][][]): Geometry {
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0]! }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/** Lines clipped to the image like the server does; `undefined` for points or nothing left. */
function clipLines(g: Geometry, image: ImageSize): Geometry | undefined {
  const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
  const pieces = lines.flatMap((l) => clipLineToRect(l, [0, 0, image.width, image.height]));
  if (pieces.length === 0) return undefined;
  return pieces.length === 1
    ? { type: 'LineString', coordinates: pieces[0]! }
    : { type: 'MultiLineString', coordinates: pieces };
}

function checkPolygons(
  polygons: Position[][][],
  image: ImageSize,
  options: PrepareGeometryOptions,
  notes: string[],
): { ok: true; polygons: Position[][][] } | { ok: false; reason: string } {
  const maxVertices = options.maxVertices ?? 5000;
  const checked = validate(polygons);
  if (!checked.ok) return checked;
  let current = checked.polygons;
  if (checked.fixes.length > 0) {
    const what = checked.fixes.join('; ');
    if (options.repair === false && checked.fixes.some((f) => !TIDY_FIXES.has(f))) {
      return { ok: false, reason: `invalid polygon (${what})` };
    }
    notes.push(`repaired (${what})`);
  }
  const [minX, minY, maxX, maxY] = envelope(fromPolygons(current));
  if (minX < 0 || minY < 0 || maxX > image.width || maxY > image.height) {
    const { width: w, height: h } = image;
    current = polygonClipping.intersection(current, [
      [
        [0, 0],
        [w, 0],
        [w, h],
        [0, h],
        [0, 0],
      ],
    ]) as Position[][][];
    if (current.length === 0) return { ok: false, reason: 'outside the image' };
    notes.push('clipped to the image');
  }
  const before = countVertices(current);
  if (maxVertices > 0 && before > maxVertices) {
    let simplified = simplifyToCap(current, maxVertices);
    if (simplified !== undefined) {
      // Simplification can make rings cross: repair again, and give up if that breaks the cap.
      const again = validate(simplified);
      simplified = again.ok && countVertices(again.polygons) <= maxVertices ? again.polygons : undefined;
    }
    if (simplified === undefined || simplified.length === 0) {
      return {
        ok: false,
        reason: `too many vertices (${before}) and no valid simplification under ${maxVertices}`,
      };
    }
    current = simplified;
    notes.push(`simplified ${before}->${countVertices(current)} vertices`);
  }
  return { ok: true, polygons: current };
}

/**
 * Turns an input geometry into what the server will accept unchanged: converted to
 * Cytomine's frame (`y' = H - y`), invalid polygons repaired with the even-odd rule (or
 * refused), clipped to the image rectangle `[0,W]x[0,H]` as the server would do, simplified
 * under a vertex cap (Douglas–Peucker, validity checked after), then refused with the server's
 * own reason when under 1 px wide or tall. Lines are clipped too; points must lie in the
 * image. Pure: no I/O.
 * @param geometry - GeoJSON geometry in `options.frame`.
 * @param image - Width and height of the target image (full-resolution pixels).
 * @param options - See {@link PrepareGeometryOptions}.
 * @returns The prepared geometry and its WKT, or `{ ok: false, reason }`.
 * @example
 * ```ts
 * import { prepareGeometry } from '@cytorx/core';
 * const r = prepareGeometry({ type: 'Point', coordinates: [10, 5] }, { width: 100, height: 50 });
 * // r.ok && r.wkt === 'POINT (10 45)'
 * ```
 */
export function prepareGeometry(
  geometry: Geometry,
  image: ImageSize,
  options: PrepareGeometryOptions = {},
): PreparedGeometry {
  const notes: string[] = [];
  let count = 0;
  let finite = true;
  forEachPosition(geometry, (x, y) => {
    count++;
    if (!Number.isFinite(x) || !Number.isFinite(y)) finite = false;
  });
  if (count === 0) return { ok: false, reason: 'empty geometry' };
  if (!finite) return { ok: false, reason: 'non-finite coordinate' };
  // The same conversion as the toCytomineSpace() operator: y' = H - y, rings re-oriented.
  let g = options.frame === 'cytomine' ? geometry : orientGeometry(flipY(geometry, image.height));
  const polygons = asPolygons(g);
  if (polygons !== undefined) {
    const checked = checkPolygons(polygons, image, options, notes);
    if (!checked.ok) return checked;
    g = fromPolygons(checked.polygons);
  } else if (g.type === 'GeometryCollection') {
    return { ok: false, reason: 'GeometryCollection is not supported; upload its members separately' };
  } else {
    const [minX, minY, maxX, maxY] = envelope(g);
    if (minX < 0 || minY < 0 || maxX > image.width || maxY > image.height) {
      const clipped = clipLines(g, image);
      if (clipped === undefined) {
        return { ok: false, reason: `${g.type} outside the image (${image.width}x${image.height})` };
      }
      g = clipped;
      notes.push('clipped to the image');
    }
  }
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    const [minX, minY, maxX, maxY] = envelope(g);
    if (Math.trunc(maxX - minX) === 0 || Math.trunc(maxY - minY) === 0) {
      return { ok: false, reason: DIMENSION_NOT_VALID };
    }
  }
  return { ok: true, geometry: g, wkt: toWkt(g, options.decimals ?? 6), notes };
}
