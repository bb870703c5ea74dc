import type { Geometry } from '@cytorx/core';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import { Rasterizer } from '../raster/rasterizer.js';

/**
 * Which annotation ends up on top where annotations overlap.
 * - `smaller-on-top` (default): larger areas painted first, so small objects stay visible;
 *   equal areas by feature id ascending (the higher id on top). Deterministic whatever the
 *   stream order. The area is that of the geometry the writer gets: tiles made with
 *   `tileBatch(..., { clip: false })` keep whole features, so each tile mask is the crop of
 *   the untiled mask (clipped tiles would compare areas clipped to the tile).
 * - `order`: stream order, the last one wins (raster-coco.md §C.6).
 * - `priority`: by class order in the class mapping: the class listed first wins; classes
 *   not in the mapping (unlabeled) lie below all others; stream order within a class.
 */
export type OverlapPolicy = 'smaller-on-top' | 'order' | 'priority';

/** One annotation ready to be painted. */
export interface PaintItem {
  geometry: Geometry;
  /** Flat rings, made when first painted and dropped after the item's last band. */
  rings: ReadonlyArray<ArrayLike<number>> | undefined;
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
 * then `width` samples per row), and counts contested pixels: pixels covered by two or more
 * different classes, each counted once.
 *
 * Items are painted bottom first with a plain `fill` per span (the last one wins), so a span
 * costs about what a fill of its pixels costs. Contested pixels are counted on bitsets (a bit
 * per pixel, 32 pixels per word): `any` (painted by some class), one per class present in the
 * band, and `contested`. A span of class c newly contests the pixels that some class painted
 * and c did not (`any & ~c`), not yet counted: a few word operations per span.
 */
export class BandCompositor {
  private readonly rasterizer = new Rasterizer();
  private buf: Uint8Array = new Uint8Array(0);
  private stride = 0;
  private rowStart = 0;
  private value = 0;
  private contested = 0;
  /** 32-pixel words per row of a bitset. */
  private words = 0;
  private any: Int32Array = new Int32Array(0);
  private disputed: Int32Array = new Int32Array(0);
  /** The bitset of the class being painted, and per class id its bitset. */
  private bits: Int32Array = new Int32Array(0);
  private readonly coverage = new Map<number, Int32Array>();
  /** Bitsets of classes absent from the current band, kept for reuse. */
  private spare: Int32Array[] = [];

  private readonly onSpan = (y: number, x0: number, x1: number): void => {
    const r = y - this.rowStart;
    const base = r * this.stride + 1;
    this.buf.fill(this.value, base + x0, base + x1);
    const { any, bits, disputed } = this;
    const row = r * this.words;
    const w0 = row + (x0 >>> 5);
    const w1 = row + ((x1 - 1) >>> 5);
    const head = -1 << (x0 & 31);
    const tail = -1 >>> (31 - ((x1 - 1) & 31));
    for (let w = w0; w <= w1; w++) {
      const m = w === w0 ? (w === w1 ? head & tail : head) : w === w1 ? tail : -1;
      const a = any[w]!;
      const fresh = a & ~bits[w]! & m & ~disputed[w]!;
      if (fresh !== 0) {
        disputed[w]! |= fresh;
        this.contested += popcount(fresh);
      }
      any[w] = a | m;
      bits[w]! |= m;
    }
  };

  /**
   * Paints `items` (in paint order: the last one ends on top) into rows [rowStart, rowEnd) of
   * `buf`, whose content must be zero. Returns the number of contested pixels of the band.
   */
  paint(
    items: readonly PaintItem[],
    width: number,
    height: number,
    rowStart: number,
    rowEnd: number,
    buf: Uint8Array,
    imageId: number,
  ): number {
    this.buf = buf;
    this.stride = width + 1;
    this.rowStart = rowStart;
    this.contested = 0;
    const words = (width + 31) >>> 5;
    const size = Math.max(0, rowEnd - rowStart) * words;
    if (words !== this.words || this.any.length < size) {
      this.spare = [];
      this.words = words;
      this.any = new Int32Array(size);
      this.disputed = new Int32Array(size);
    } else {
      this.any.fill(0, 0, size);
      this.disputed.fill(0, 0, size);
    }
    const band = { rowStart, rowEnd };
    for (const item of items) {
      if (item.rowMax <= rowStart || item.rowMin >= rowEnd) continue;
      this.value = item.value;
      this.bits = this.bitsetOf(item.value, size);
      item.rings ??= geometryToRings(item.geometry);
      this.rasterizer.spans(item.rings, width, height, this.onSpan, band, {
        annotationId: item.annotationId,
        imageId,
      });
    }
    for (const bits of this.coverage.values()) this.spare.push(bits);
    this.coverage.clear();
    return this.contested;
  }

  /** The zeroed bitset of class `value` for this band. */
  private bitsetOf(value: number, size: number): Int32Array {
    let bits = this.coverage.get(value);
    if (bits !== undefined) return bits;
    bits = this.spare.pop();
    if (bits === undefined || bits.length < size) bits = new Int32Array(size);
    else bits.fill(0, 0, size);
    this.coverage.set(value, bits);
    return bits;
  }
}

function popcount(v: number): number {
  const x = v - ((v >>> 1) & 0x55555555);
  const y = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((y + (y >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
