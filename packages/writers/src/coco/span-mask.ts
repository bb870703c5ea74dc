import type { Rle } from './rle.js';

/**
 * The mask of one annotation as the horizontal spans a rasterizer reports
 * (`onSpan(y, x0, x1)`, x1 exclusive), with its pixel count and tight box kept on the fly.
 * Spans must not overlap each other (what one `rasterizeSpans` call produces); they may touch.
 * Internal to the COCO writer.
 */
export class SpanMask {
  readonly ys: number[] = [];
  readonly x0s: number[] = [];
  readonly x1s: number[] = [];
  /** Number of pixels covered. */
  area = 0;
  minX = Number.POSITIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY; // exclusive
  maxY = Number.NEGATIVE_INFINITY; // exclusive

  /** @param keep - Keep the spans (needed by {@link toRle}); `false` only counts pixels and the box. */
  constructor(private readonly keep = true) {}

  /** Bound callback for `rasterizeSpans`. Empty spans are ignored. */
  readonly add = (y: number, x0: number, x1: number): void => {
    if (x1 <= x0) return;
    if (this.keep) {
      this.ys.push(y);
      this.x0s.push(x0);
      this.x1s.push(x1);
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
   * column as sorted run boundaries. Cost is O(events log + columns x runs per column).
   * Spans outside the canvas are clipped.
   */
  toRle(width: number, height: number): Rle {
    if (!this.keep) throw new Error('SpanMask.toRle needs the spans (constructed with keep = false)');
    const total = width * height;
    const counts: number[] = [];
    if (this.area === 0) {
      counts.push(total);
      return { size: [height, width], counts };
    }
    // Events per column: +1 where a span starts, -1 where it ends.
    const byX = new Map<number, number[]>();
    const addEvent = (x: number, row: number, delta: number) => {
      const list = byX.get(x);
      if (list) list.push(row, delta);
      else byX.set(x, [row, delta]);
    };
    for (let i = 0; i < this.ys.length; i++) {
      const y = this.ys[i]!;
      if (y < 0 || y >= height) continue;
      const x0 = Math.max(0, this.x0s[i]!);
      const x1 = Math.min(width, this.x1s[i]!);
      if (x1 <= x0) continue;
      addEvent(x0, y, 1);
      addEvent(x1, y, -1);
    }
    const xs = [...byX.keys()].sort((a, b) => a - b);
    const rowBase = Math.max(0, this.minY);
    const cover = new Int32Array(Math.max(1, Math.min(height, this.maxY) - rowBase));
    // Sorted positions p where "row p covered" differs from "row p-1 covered".
    const bounds: number[] = [];
    const toggle = (p: number) => {
      let lo = 0;
      let hi = bounds.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bounds[mid]! < p) lo = mid + 1;
        else hi = mid;
      }
      if (bounds[lo] === p) bounds.splice(lo, 1);
      else bounds.splice(lo, 0, p);
    };
    let pos = 0; // end of the last run of 1s, in column-major index
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const events = byX.get(x)!;
      for (let e = 0; e < events.length; e += 2) {
        const row = events[e]!;
        const before = cover[row - rowBase]! > 0;
        cover[row - rowBase]! += events[e + 1]!;
        if (before !== cover[row - rowBase]! > 0) {
          toggle(row);
          toggle(row + 1);
        }
      }
      if (bounds.length === 0) continue;
      const next = xs[i + 1] ?? width;
      for (let c = x; c < next; c++) {
        const colStart = c * height;
        for (let k = 0; k < bounds.length; k += 2) {
          const s = colStart + bounds[k]!;
          const e = colStart + bounds[k + 1]!;
          if (counts.length > 0 && s === pos) counts[counts.length - 1]! += e - s;
          else counts.push(s - pos, e - s);
          pos = e;
        }
      }
    }
    if (total > pos || counts.length === 0) counts.push(total - pos);
    return { size: [height, width], counts };
  }
}
