import type { Geometry, Position } from '@cytorx/core';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import type { Rasterizer } from '../raster/rasterizer.js';
import { type CompressedRle, rleToString } from './rle.js';
import { SpanMask } from './span-mask.js';

/** What the COCO writer stores for one annotation. */
export interface CocoShape {
  /** Polygon list (flat rings) or compressed RLE. */
  segmentation: number[][] | CompressedRle;
  /** Pixel count of the annotation's own mask under the cytorx pixel rule. */
  area: number;
  /** Tight box of that mask, `[x, y, w, h]`. */
  bbox: [number, number, number, number];
}

/**
 * The COCO segmentation of one annotation on a `width x height` canvas (raster-coco.md §C.7):
 * - every polygon part a single ring (holes absent) and no pixel covered by two rings: the
 *   polygon list, every part kept, rings of fewer than 3 vertices dropped;
 * - otherwise (a hole, or rings overlapping, where COCO's union of rings would differ from
 *   the even-odd rule): compressed RLE of the exact mask.
 * `area` and `bbox` always come from the mask, so segmentation, area, bbox and the PNG masks
 * agree. Returns `undefined` when the mask is empty (sub-pixel or outside the canvas).
 * @throws InvalidGeometryError `CYTORX_INVALID_GEOMETRY` from the rasterizer (NaN/Infinity).
 * @internal
 */
export function cocoShape(
  geometry: Geometry,
  width: number,
  height: number,
  rasterizer: Rasterizer,
  subject: { annotationId: number; imageId: number },
): CocoShape | undefined {
  const parts = polygonParts(geometry);
  const usable = parts.map((part) => part.filter((r) => r.length >= 6)).filter((p) => p.length > 0);
  if (usable.length > 0 && usable.every((p) => p.length === 1)) {
    // Single rings (the usual case): the polygon list, unless rings overlap. Only the pixel
    // count and box are needed, so spans are counted, not kept.
    const polygons = usable.map((p) => p[0]!);
    const mask = new SpanMask(false);
    if (polygons.length === 1) {
      rasterizer.spans(polygons, width, height, mask.add, undefined, subject);
      return mask.area === 0 ? undefined : { segmentation: polygons, area: mask.area, bbox: mask.bbox() };
    }
    // Under even-odd, pixels covered by two rings are holes; COCO unions rings. Equal counts
    // mean no pixel centre is covered twice, so both readings give the same mask.
    let sum = 0;
    for (const ring of polygons) {
      const one = new SpanMask(false);
      rasterizer.spans([ring], width, height, one.add, undefined, subject);
      sum += one.area;
    }
    rasterizer.spans(polygons, width, height, mask.add, undefined, subject);
    if (mask.area === 0) return undefined;
    if (sum === mask.area) return { segmentation: polygons, area: mask.area, bbox: mask.bbox() };
  }
  // A hole, or overlapping rings: compressed RLE of the exact even-odd mask.
  const mask = new SpanMask();
  rasterizer.spans(geometryToRings(geometry), width, height, mask.add, undefined, subject);
  if (mask.area === 0) return undefined;
  const rle = mask.toRle(width, height);
  return {
    segmentation: { size: rle.size, counts: rleToString(rle.counts) },
    area: mask.area,
    bbox: mask.bbox(),
  };
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
