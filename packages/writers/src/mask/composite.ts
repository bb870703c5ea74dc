import type { Geometry } from '@cytorx/core';
import { geometryToRings } from './geometry-to-rings.js';
import { Rasterizer } from './rasterizer.js';

/**
 * Which annotation ends up on top where annotations overlap.
 * - `smaller-on-top` (default): larger areas painted first, so small objects stay visible;
 *   equal areas by feature id ascending (the higher id on top). Deterministic whatever the
 *   stream order.
 * - `order`: stream order, the last one wins (raster-coco.md §C.6).
 * - `priority`: by class order in the class mapping: the class listed first wins; classes
 *   not in the mapping (unlabeled) lie below all others; stream order within a class.
 */
export type OverlapPolicy = 'smaller-on-top' | 'order' | 'priority';

/** One annotation ready to be painted. */
export interface PaintItem {
  geometry: Geometry;
  /** Flat rings, made when first painted and dropped after the item's last band. */
  rings: number[][] | undefined;
  /** Class id painted (1..255). */
  value: number;
  /** Feature id (ties of `smaller-on-top`) and annotation id (errors). */
  id: number;
  annotationId: number;
  /** Position in the stream. */
  order: number;
  /** Area of the even-odd geometry in px² (|outer| − |holes|, summed over parts). */
  area: number;
  /** Conservative row range [rowMin, rowMax) the item can touch, clipped to the canvas. */
  rowMin: number;
  rowMax: number;
}

/** Area of a polygonal geometry: per polygon |outer| − Σ|holes|, summed (orientation ignored). */
export function polygonalArea(geometry: Geometry): number {
  switch (geometry.type) {
    case 'Polygon':
      return polygonArea(geometry.coordinates);
    case 'MultiPolygon':
      return geometry.coordinates.reduce((s, p) => s + polygonArea(p), 0);
    case 'GeometryCollection':
      return geometry.geometries.reduce((s, g) => s + polygonalArea(g), 0);
    default:
      return 0;
  }
}

function polygonArea(rings: ReadonlyArray<ReadonlyArray<readonly [number, number] | number[]>>): number {
  let a = 0;
  rings.forEach((ring, k) => {
    let s = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i++) {
      const p = ring[i]!;
      const q = ring[j]!;
      s += q[0]! * p[1]! - p[0]! * q[1]!;
    }
    a += (k === 0 ? 1 : -1) * Math.abs(s / 2);
  });
  return Math.abs(a);
}

/**
 * The global paint order of `items` under `policy` (first painted first). `classRank` gives
 * each class id's position in the mapping (only used by `priority`).
 */
export function paintOrder(
  items: readonly PaintItem[],
  policy: OverlapPolicy,
  classRank: ReadonlyMap<number, number>,
): PaintItem[] {
  const sorted = [...items];
  if (policy === 'order') return sorted.sort((a, b) => a.order - b.order);
  if (policy === 'priority') {
    const bottom = classRank.size;
    const rank = (v: number) => classRank.get(v) ?? bottom;
    // higher rank (later class) painted first, so the first class ends on top
    return sorted.sort((a, b) => rank(b.value) - rank(a.value) || a.order - b.order);
  }
  return sorted.sort((a, b) => b.area - a.area || a.id - b.id || a.order - b.order);
}

/**
 * Paints items into a band of a class-index canvas laid out as PNG rows (one filter byte,
 * then `width` samples per row), and counts contested pixels: pixels painted by a class
 * different from the one already there, each counted once (a pixel covered by two or more
 * classes).
 */
export class BandCompositor {
  private readonly rasterizer = new Rasterizer();
  private buf: Uint8Array = new Uint8Array(0);
  private mixed: Uint8Array = new Uint8Array(0);
  private stride = 0;
  private rowStart = 0;
  private value = 0;
  private contested = 0;

  private readonly onSpan = (y: number, x0: number, x1: number): void => {
    const buf = this.buf;
    const mixed = this.mixed;
    const c = this.value;
    let i = (y - this.rowStart) * this.stride + 1 + x0;
    const end = i + (x1 - x0);
    for (; i < end; i++) {
      const v = buf[i]!;
      if (v !== c) {
        if (v !== 0) {
          const bit = 1 << (i & 7);
          const k = i >> 3;
          if ((mixed[k]! & bit) === 0) {
            mixed[k] = mixed[k]! | bit;
            this.contested++;
          }
        }
        buf[i] = c;
      }
    }
  };

  /**
   * Paints `items` (already in paint order) into rows [rowStart, rowEnd) of `buf`, whose
   * content must be zero, and `mixed` too (a bitset: one bit per byte of `buf`). Returns the
   * number of contested pixels.
   */
  paint(
    items: readonly PaintItem[],
    width: number,
    height: number,
    rowStart: number,
    rowEnd: number,
    buf: Uint8Array,
    mixed: Uint8Array,
    imageId: number,
  ): number {
    this.buf = buf;
    this.mixed = mixed;
    this.stride = width + 1;
    this.rowStart = rowStart;
    this.contested = 0;
    const band = { rowStart, rowEnd };
    for (const item of items) {
      if (item.rowMax <= rowStart || item.rowMin >= rowEnd) continue;
      this.value = item.value;
      item.rings ??= geometryToRings(item.geometry);
      this.rasterizer.spans(item.rings, width, height, this.onSpan, band, {
        annotationId: item.annotationId,
        imageId,
      });
    }
    return this.contested;
  }
}
