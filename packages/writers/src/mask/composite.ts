import type { Geometry } from '@cytorx/core';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import { Rasterizer } from '../raster/rasterizer.js';

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
 * costs what a fill of its pixels costs. Contested pixels are counted apart, on one coverage
 * bitset per class present in the band (a bit per pixel, set by the same spans): a pixel is
 * contested iff two or more classes' bitsets have its bit, which one pass over the words
 * touched counts at the end of the band.
 */
export class BandCompositor {
  private readonly rasterizer = new Rasterizer();
  private buf: Uint8Array = new Uint8Array(0);
  private stride = 0;
  private rowStart = 0;
  private value = 0;
  /** 32-pixel words per row of a coverage bitset. */
  private words = 0;
  /** The coverage bitset of the class being painted, and per class id its bitset. */
  private bits: Int32Array = new Int32Array(0);
  private readonly coverage = new Map<number, Int32Array>();
  /** Bitsets of classes absent from the current band, kept for reuse. */
  private spare: Int32Array[] = [];
  /** Word range [wordMin, wordMax] touched in the band (over all rows). */
  private wordMin = 0;
  private wordMax = -1;

  private readonly onSpan = (y: number, x0: number, x1: number): void => {
    const r = y - this.rowStart;
    const base = r * this.stride + 1;
    this.buf.fill(this.value, base + x0, base + x1);
    // Coverage bits [x0, x1) of row r.
    const bits = this.bits;
    const row = r * this.words;
    const w0 = x0 >>> 5;
    const w1 = (x1 - 1) >>> 5;
    const head = -1 << (x0 & 31);
    const tail = -1 >>> (31 - ((x1 - 1) & 31));
    if (w0 === w1) bits[row + w0]! |= head & tail;
    else {
      bits[row + w0]! |= head;
      for (let w = w0 + 1; w < w1; w++) bits[row + w] = -1;
      bits[row + w1]! |= tail;
    }
    if (w0 < this.wordMin) this.wordMin = w0;
    if (w1 > this.wordMax) this.wordMax = w1;
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
    const nRows = Math.max(0, rowEnd - rowStart);
    const words = (width + 31) >>> 5;
    if (words !== this.words) {
      this.coverage.clear();
      this.spare = [];
      this.words = words;
    }
    this.wordMin = words;
    this.wordMax = -1;
    const size = nRows * words;
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
    const contested = this.countContested(nRows);
    for (const bits of this.coverage.values()) this.spare.push(bits);
    this.coverage.clear();
    return contested;
  }

  /** The zeroed coverage bitset of class `value` for this band. */
  private bitsetOf(value: number, size: number): Int32Array {
    let bits = this.coverage.get(value);
    if (bits !== undefined) return bits;
    bits = this.spare.pop();
    if (bits === undefined || bits.length < size) bits = new Int32Array(size);
    else bits.fill(0, 0, size);
    this.coverage.set(value, bits);
    return bits;
  }

  /** Pixels whose bit is set in two or more classes' bitsets, over the words touched. */
  private countContested(nRows: number): number {
    if (this.coverage.size < 2) return 0;
    const sets = [...this.coverage.values()];
    const { words, wordMin, wordMax } = this;
    let contested = 0;
    for (let r = 0; r < nRows; r++) {
      const row = r * words;
      for (let w = row + wordMin; w <= row + wordMax; w++) {
        let once = 0;
        let twice = 0;
        for (let k = 0; k < sets.length; k++) {
          const v = sets[k]![w]!;
          twice |= once & v;
          once |= v;
        }
        if (twice !== 0) contested += popcount(twice);
      }
    }
    return contested;
  }
}

function popcount(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
