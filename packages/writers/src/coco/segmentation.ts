import type { Geometry, Position } from '@cytorx/core';
import { roundCoordinate } from '../json/round-coordinate.js';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import type { Rasterizer } from '../raster/rasterizer.js';
import { type CompressedRle, type Rle, rleArea, rleToBbox, rleToString } from './rle.js';
import { rleFrPoly } from './rle-fr-poly.js';
import { rleMerge } from './rle-merge.js';
import { SpanMask } from './span-mask.js';

/**
 * How the COCO writer writes segmentations:
 * - `auto` (default): a polygon list only where pycocotools decodes it (`rleFrPoly`, union of
 *   rings) to exactly the annotation's own mask under the cytorx pixel rule; compressed RLE of
 *   that mask otherwise. Every annotation then decodes, in any COCO reader, to the pixels the
 *   PNG masks give it, and `area`/`bbox` are that mask's.
 * - `polygon`: a polygon list wherever the shape is one (every part a single ring, no pixel
 *   centre covered by two rings); `area` and `bbox` are those of the mask pycocotools decodes
 *   from it, which can differ from the PNG masks by a pixel along edges. RLE for holes and
 *   overlapping rings (polygons cannot express them), and where pycocotools decodes the
 *   polygons to no pixel at all.
 * - `rle`: compressed RLE of the annotation's own mask for every annotation.
 */
export type CocoSegmentationMode = 'auto' | 'polygon' | 'rle';

/** The segmentation modes, in documentation order. */
export const COCO_SEGMENTATION_MODES: readonly CocoSegmentationMode[] = ['auto', 'polygon', 'rle'];

/** What the COCO writer stores for one annotation. */
export interface CocoShape {
  /** Polygon list (flat rings, coordinates rounded to 1e-9 px) or compressed RLE. */
  segmentation: number[][] | CompressedRle;
  /** Pixel count of the mask the segmentation decodes to. */
  area: number;
  /** Tight box of that mask, `[x, y, w, h]`. */
  bbox: [number, number, number, number];
}

/**
 * The COCO segmentation of one annotation on a `width x height` canvas, per `mode` (see
 * {@link CocoSegmentationMode}). `area` and `bbox` are always those of the mask the written
 * segmentation decodes to with pycocotools. Returns `undefined` when the annotation's own
 * mask (cytorx pixel rule) is empty: sub-pixel or outside the canvas.
 * @throws InvalidGeometryError `CYTORX_INVALID_GEOMETRY` from the rasterizer (NaN/Infinity).
 * @internal
 */
export function cocoShape(
  geometry: Geometry,
  width: number,
  height: number,
  rasterizer: Rasterizer,
  subject: { annotationId: number; imageId: number },
  mode: CocoSegmentationMode = 'auto',
): CocoShape | undefined {
  const parts = polygonParts(geometry);
  const usable = parts.map((part) => part.filter((r) => r.length >= 6)).filter((p) => p.length > 0);
  const polygons =
    mode !== 'rle' && usable.length > 0 && usable.every((p) => p.length === 1)
      ? usable.map((p) => p[0]!)
      : undefined;
  // The annotation's own mask, exactly as the mask writer paints it (the geometry as given).
  const rings = geometryToRings(geometry);
  const keep = mode !== 'polygon' || polygons === undefined;
  let mask = new SpanMask(keep);
  rasterizer.spans(rings, width, height, mask.add, undefined, subject);
  if (mask.area === 0) return undefined;
  if (polygons !== undefined) {
    const written = polygons.map(roundRing);
    if (mode === 'auto') {
      const own = mask.toRle(width, height);
      if (sameCounts(decodePolygons(written, width, height).counts, own.counts)) {
        return { segmentation: written, area: mask.area, bbox: mask.bbox() };
      }
      return rleShape(own, mask);
    }
    // polygon: only where COCO's union of rings is our even-odd mask (no pixel in two rings).
    if (polygons.length === 1 || disjoint(polygons, mask.area, width, height, rasterizer, subject)) {
      const decoded = decodePolygons(written, width, height);
      const area = rleArea(decoded);
      if (area > 0) return { segmentation: written, area, bbox: rleToBbox(decoded) };
    }
  }
  if (!keep) {
    mask = new SpanMask();
    rasterizer.spans(rings, width, height, mask.add, undefined, subject);
  }
  return rleShape(mask.toRle(width, height), mask);
}

/** What pycocotools' `annToRLE` gives for a polygon list: the union of each ring's `rleFrPoly`. */
function decodePolygons(polygons: number[][], width: number, height: number): Rle {
  return rleMerge(polygons.map((p) => rleFrPoly(p, height, width)));
}

function rleShape(rle: Rle, mask: SpanMask): CocoShape {
  return {
    segmentation: { size: rle.size, counts: rleToString(rle.counts) },
    area: mask.area,
    bbox: mask.bbox(),
  };
}

/** True when no pixel centre is in two of the rings: their areas add up to the even-odd area. */
function disjoint(
  polygons: number[][],
  area: number,
  width: number,
  height: number,
  rasterizer: Rasterizer,
  subject: { annotationId: number; imageId: number },
): boolean {
  let sum = 0;
  for (const ring of polygons) {
    const one = new SpanMask(false);
    rasterizer.spans([ring], width, height, one.add, undefined, subject);
    sum += one.area;
  }
  return sum === area;
}

function sameCounts(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Polygon parts of a geometry, each a list of flat rings without the closing vertex. */
function polygonParts(geometry: Geometry): number[][][] {
  switch (geometry.type) {
    case 'Polygon':
      return [geometry.coordinates.map(flatRing)];
    case 'MultiPolygon':
      return geometry.coordinates.map((p) => p.map(flatRing));
    case 'GeometryCollection':
      return geometry.geometries.flatMap(polygonParts);
    default:
      return [];
  }
}

function flatRing(ring: ReadonlyArray<Position>): number[] {
  let n = ring.length;
  if (n > 1 && ring[0]![0] === ring[n - 1]![0] && ring[0]![1] === ring[n - 1]![1]) n--;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(ring[i]![0], ring[i]![1]);
  return out;
}

/** A flat ring as COCO stores it: coordinates rounded to 1e-9 px (`roundCoordinate`). */
function roundRing(ring: readonly number[]): number[] {
  return ring.map((v) => roundCoordinate(v));
}
