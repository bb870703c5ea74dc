import type { Rle } from './rle.js';

/**
 * The mask of one annotation as the horizontal spans a rasterizer reports
 * (`onSpan(y, x0, x1)`, x1 exclusive), with its pixel count and tight box kept on the fly.
 * Spans must not overlap each other (what one `rasterizeSpans` call produces); they may touch.
 * Internal to the COCO writer.
 */
export class SpanMask {
  /** Spans as triples `y, x0, x1` (only with `keep`). */
  private spans: Int32Array;
  private n = 0;
  /** Number of pixels covered. */
  area = 0;
  minX = Number.POSITIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY; // exclusive
  maxY = Number.NEGATIVE_INFINITY; // exclusive

  /** @param keep - Keep the spans (needed by {@link toRle}); `false` only counts pixels and the box. */
  constructor(private readonly keep = true) {
    this.spans = new Int32Array(keep ? 3 * 256 : 0);
  }

  /** Bound callback for `rasterizeSpans`. Empty spans are ignored. */
  readonly add = (y: number, x0: number, x1: number): void => {
    if (x1 <= x0) return;
    if (this.keep) {
      if (this.n + 3 > this.spans.length) {
        const grown = new Int32Array(this.spans.length * 2);
        grown.set(this.spans);
        this.spans = grown;
      }
      const s = this.spans;
      s[this.n] = y;
      s[this.n + 1] = x0;
      s[this.n + 2] = x1;
      this.n += 3;
    }
    this.area += x1 - x0;
    if (x0 < this.minX) this.minX = x0;
    if (x1 > this.maxX) this.maxX = x1;
    if (y < this.minY) this.minY = y;
    if (y + 1 > this.maxY) this.maxY = y + 1;
  };

  /** Tight pixel box `[x, y, w, h]`, or zeros when empty (as pycocotools' `toBbox`). */
  bbox(): [number, number, number, number] {
    if (this.area === 0) return [0, 0, 0, 0];
    return [this.minX, this.minY, this.maxX - this.minX, this.maxY - this.minY];
  }

  /**
   * Column-major RLE of the mask on a `width x height` canvas, without ever allocating the
   * canvas: sweeps the columns left to right keeping the set of rows covered at the current
   * column as sorted run boundaries. Cost is O(spans + columns x runs per column), with a few
   * typed arrays as the only scratch. Spans outside the canvas are clipped.
   */
  toRle(width: number, height: number): Rle {
    if (!this.keep) throw new Error('SpanMask.toRle needs the spans (constructed with keep = false)');
    const total = width * height;
    const counts: number[] = [];
    const xLo = Math.max(0, this.minX);
    const xHi = Math.min(width, this.maxX);
    const rowBase = Math.max(0, this.minY);
    const rowEnd = Math.min(height, this.maxY);
    if (this.area === 0 || xLo >= xHi || rowBase >= rowEnd) {
      counts.push(total);
      return { size: [height, width], counts };
    }
    // Events per column, by a counting sort on x: +row where a span starts, -(row + 1) where it ends.
    const s = this.spans;
    const cols = xHi - xLo + 1;
    const first = new Int32Array(cols + 1);
    for (let i = 0; i < this.n; i += 3) {
      const y = s[i]!;
      if (y < 0 || y >= height) continue;
      const x0 = Math.max(0, s[i + 1]!);
      const x1 = Math.min(width, s[i + 2]!);
      if (x1 <= x0) continue;
      first[x0 - xLo + 1]!++;
      first[x1 - xLo + 1]!++;
    }
    for (let c = 0; c < cols; c++) first[c + 1]! += first[c]!;
    const events = new Int32Array(first[cols]!);
    const fill = first.slice(0, cols);
    for (let i = 0; i < this.n; i += 3) {
      const y = s[i]!;
      if (y < 0 || y >= height) continue;
      const x0 = Math.max(0, s[i + 1]!);
      const x1 = Math.min(width, s[i + 2]!);
      if (x1 <= x0) continue;
      events[fill[x0 - xLo]!++] = y;
      events[fill[x1 - xLo]!++] = -(y + 1);
    }
    const cover = new Int32Array(rowEnd - rowBase);
    // Sorted rows p where "row p covered" differs from "row p-1 covered": pairs [start, end).
    const bounds = new Int32Array(2 * (rowEnd - rowBase) + 2);
    let nb = 0;
    const toggle = (p: number): void => {
      let lo = 0;
      let hi = nb;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bounds[mid]! < p) lo = mid + 1;
        else hi = mid;
      }
      if (lo < nb && bounds[lo] === p) {
        for (let k = lo; k < nb - 1; k++) bounds[k] = bounds[k + 1]!;
        nb--;
      } else {
        for (let k = nb; k > lo; k--) bounds[k] = bounds[k - 1]!;
        bounds[lo] = p;
        nb++;
      }
    };
    let pos = 0; // end of the last run of 1s, in column-major index
    for (let x = xLo; x < xHi; x++) {
      for (let e = first[x - xLo]!, end = first[x - xLo + 1]!; e < end; e++) {
        const ev = events[e]!;
        const row = ev >= 0 ? ev : -ev - 1;
        const k = row - rowBase;
        const before = cover[k]! > 0;
        cover[k]! += ev >= 0 ? 1 : -1;
        if (before !== cover[k]! > 0) {
          toggle(row);
          toggle(row + 1);
        }
      }
      if (nb === 0) continue;
      const colStart = x * height;
      for (let k = 0; k < nb; k += 2) {
        const a = colStart + bounds[k]!;
        const b = colStart + bounds[k + 1]!;
        if (counts.length > 0 && a === pos) counts[counts.length - 1]! += b - a;
        else counts.push(a - pos, b - a);
        pos = b;
      }
    }
    if (total > pos || counts.length === 0) counts.push(total - pos);
    return { size: [height, width], counts };
  }
}
