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

/** Run state of a pixel claimed by two or more classes (class ids are 1..255). */
const CONTESTED = 0;

/**
 * Paints items into a band of a class-index canvas laid out as PNG rows (one filter byte,
 * then `width` samples per row), and counts contested pixels: pixels covered by two or more
 * different classes, each counted once.
 *
 * Items are painted top first (the paint order reversed), so every pixel is written once, by
 * its top item, and the cost follows the number of spans rather than the painted area: each
 * row keeps the covered pixels as sorted runs `[start, end, state]`, state being the class
 * id of the only class seen there so far, or {@link CONTESTED}. A span only fills the
 * uncovered gaps; over a run of another class it turns that run contested (counted once).
 * The result equals painting bottom first with the last one winning: the top class wins,
 * and a pixel is contested iff the classes covering it are not all the same.
 */
export class BandCompositor {
  private readonly rasterizer = new Rasterizer();
  private buf: Uint8Array = new Uint8Array(0);
  private stride = 0;
  private rowStart = 0;
  private value = 0;
  private contested = 0;
  /** Runs of each row of the band as flat triples, and the number of ints used per row. */
  private runs: Int32Array[] = [];
  private used: Int32Array = new Int32Array(0);
  /** The runs replacing the ones a span touches. */
  private pieces: Int32Array = new Int32Array(96);

  private readonly onSpan = (y: number, x0: number, x1: number): void => {
    const r = y - this.rowStart;
    let row = this.runs[r]!;
    const len = this.used[r]!;
    const c = this.value;
    const base = r * this.stride + 1;
    if (len === 0 || row[len - 2]! < x0) {
      // Past every run (the usual case of a fresh row): append, or extend a touching run of c.
      this.buf.fill(c, base + x0, base + x1);
      if (len > 0 && row[len - 2] === x0 && row[len - 1] === c) row[len - 2] = x1;
      else {
        if (len + 3 > row.length) row = this.grow(r, len + 3);
        row[len] = x0;
        row[len + 1] = x1;
        row[len + 2] = c;
        this.used[r] = len + 3;
      }
      return;
    }
    // First run ending at or after x0 (a run ending at x0 touches the span: merge candidate).
    let lo = 0;
    let hi = len / 3;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (row[mid * 3 + 1]! < x0) lo = mid + 1;
      else hi = mid;
    }
    const first = lo * 3;
    // At most 3 pieces per touched run plus one gap before each and one after the last.
    if (this.pieces.length < (len - first) * 2 + 12) this.pieces = new Int32Array((len - first) * 4 + 24);
    const out = this.pieces;
    let np = 0;
    let pos = x0;
    let k = first;
    for (; k < len; k += 3) {
      const s = row[k]!;
      if (s > x1) break;
      const e = row[k + 1]!;
      const st = row[k + 2]!;
      if (s > pos && pos < x1) {
        // Uncovered gap before this run.
        const g = Math.min(s, x1);
        this.buf.fill(c, base + pos, base + g);
        np = push(out, np, pos, g, c);
        pos = g;
      }
      if (e <= x0 || s >= x1) {
        np = push(out, np, s, e, st); // touching run, kept as it is
        continue;
      }
      if (s < x0) np = push(out, np, s, x0, st);
      const a = Math.max(s, x0);
      const b = Math.min(e, x1);
      if (st === c || st === CONTESTED) np = push(out, np, a, b, st);
      else {
        this.contested += b - a;
        np = push(out, np, a, b, CONTESTED);
      }
      if (e > x1) np = push(out, np, x1, e, st);
      pos = b;
    }
    if (pos < x1) {
      this.buf.fill(c, base + pos, base + x1);
      np = push(out, np, pos, x1, c);
    }
    // Replace row[first, k) with out[0, np).
    const newLen = len - (k - first) + np;
    if (newLen > row.length) row = this.grow(r, newLen);
    // Plain loops: these arrays are short, and builtin calls cost more than the copies.
    const shift = np - (k - first);
    if (shift > 0) for (let i = len - 1; i >= k; i--) row[i + shift] = row[i]!;
    else if (shift < 0) for (let i = k; i < len; i++) row[i + shift] = row[i]!;
    for (let i = 0; i < np; i++) row[first + i] = out[i]!;
    this.used[r] = newLen;
  };

  /** Grows the run array of row `r` to hold at least `n` ints. */
  private grow(r: number, n: number): Int32Array {
    const old = this.runs[r]!;
    const row = new Int32Array(Math.max(n, old.length * 2));
    row.set(old);
    this.runs[r] = row;
    return row;
  }

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
    const nRows = Math.max(0, rowEnd - rowStart);
    if (this.runs.length !== nRows) {
      this.runs = Array.from({ length: nRows }, (_, i) => this.runs[i] ?? new Int32Array(24));
      this.used = new Int32Array(nRows);
    } else this.used.fill(0);
    const band = { rowStart, rowEnd };
    for (let k = items.length - 1; k >= 0; k--) {
      const item = items[k]!;
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

/**
 * Appends run `[s, e)` of `state` at `out[n]`, merged into the previous one when they touch
 * and agree. Returns the new length.
 */
function push(out: Int32Array, n: number, s: number, e: number, state: number): number {
  if (n > 0 && out[n - 2] === s && out[n - 1] === state) {
    out[n - 2] = e;
    return n;
  }
  out[n] = s;
  out[n + 1] = e;
  out[n + 2] = state;
  return n + 3;
}
