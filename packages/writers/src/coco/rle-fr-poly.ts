import { ConfigError } from '@cytorx/core';
import type { Rle } from './rle.js';

/** pycocotools' upsampling factor: vertices are quantised to 1/5 px. */
const SCALE = 5;

/**
 * Decodes one COCO polygon ring exactly as pycocotools does (`rleFrPoly` in its maskApi.c,
 * called by `frPyObjects` and so by `annToRLE`/`annToMask` for every polygon segmentation),
 * to uncompressed RLE. This is a port of that algorithm, quirks included, so that cytorx can
 * know which pixels a COCO consumer will see for a polygon it writes:
 *
 * 1. vertices are scaled by 5 and rounded with C's `(int)(v + .5)` (truncation toward zero,
 *    so negative coordinates round differently from positive ones);
 * 2. every edge is walked pixel by pixel on that 5x grid (a DDA along its longer axis,
 *    rounding the other coordinate the same way);
 * 3. wherever the walk crosses the vertical line through a pixel centre (x = n + 1/2), the
 *    first row whose centre lies below the crossing (`ceil` of the crossing height, clamped
 *    to [0, h]) toggles the column; columns outside [0, w) are dropped;
 * 4. the toggles, sorted in column-major order, become the run lengths (two toggles at the
 *    same place cancel).
 *
 * It differs from the cytorx pixel rule mostly along slanted edges and on small shapes, by
 * up to about a fifth of a pixel in where an edge lies: the COCO writer therefore writes a
 * polygon only where this decoder gives back the annotation's own mask (`segmentation:
 * 'auto'`).
 *
 * @param xy - Flat ring `[x1, y1, x2, y2, ...]` in COCO pixel coordinates (origin at the
 *   top-left corner of pixel (0,0)); not closed (a closing vertex only adds a zero edge).
 * @param height - Canvas height in pixels.
 * @param width - Canvas width in pixels.
 * @returns Uncompressed column-major RLE (`size: [height, width]`), as pycocotools returns.
 * @throws ConfigError `CYTORX_CONFIG` for an odd number of values or a bad canvas size.
 * @example
 * ```ts
 * import { rleFrPoly } from '@cytorx/writers';
 * rleFrPoly([0, 0, 2, 0, 2, 2, 0, 2], 3, 3).counts; // [0, 2, 1, 2, 4]: pixels (0..1, 0..1)
 * ```
 */
export function rleFrPoly(xy: ArrayLike<number>, height: number, width: number): Rle {
  if (xy.length % 2 !== 0)
    throw new ConfigError(`rleFrPoly: a ring needs x,y pairs, got ${xy.length} values`);
  if (!Number.isSafeInteger(height) || !Number.isSafeInteger(width) || height < 0 || width < 0) {
    throw new ConfigError(`rleFrPoly: bad canvas size ${width}x${height}`);
  }
  const h = height;
  const w = width;
  const k = xy.length / 2;
  const total = h * w;
  if (k === 0) return { size: [h, w], counts: [total] };
  // 1. Upsample: vertices on the 1/5 px grid, C's (int) cast (truncation).
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) {
    x[j] = Math.trunc(SCALE * xy[2 * j]! + 0.5);
    y[j] = Math.trunc(SCALE * xy[2 * j + 1]! + 0.5);
  }
  x[k] = x[0]!;
  y[k] = y[0]!;
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j]! - x[j + 1]!), Math.abs(y[j]! - y[j + 1]!)) + 1;
  // 2. Dense points along every edge.
  const u = new Int32Array(m);
  const v = new Int32Array(m);
  m = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    if (dx >= dy) {
      // dx = dy = 0 (a repeated vertex) divides 0 by 0 in C; the point it gives never takes
      // part in a crossing (its neighbours share its column), so its row is irrelevant.
      const s = dx === 0 ? 0 : (ye - ys) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = Math.trunc(ys + s * t + 0.5);
        m++;
      }
    } else {
      const s = (xe - xs) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = Math.trunc(xs + s * t + 0.5);
        m++;
      }
    }
  }
  // 3. Crossings of pixel-centre columns, downsampled: one toggle each.
  const toggles = new Uint32Array(m + 1);
  let n = 0;
  for (let j = 1; j < m; j++) {
    const uj = u[j]!;
    const up = u[j - 1]!;
    if (uj === up) continue;
    const xd = ((uj < up ? uj : uj - 1) + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = (Math.min(v[j]!, v[j - 1]!) + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    toggles[n++] = xd * h + Math.ceil(yd);
  }
  toggles[n++] = total;
  // 4. Sorted toggles to run lengths; equal toggles cancel.
  const a = toggles.subarray(0, n).sort();
  let p = 0;
  for (let j = 0; j < n; j++) {
    const t = a[j]!;
    a[j] = t - p;
    p = t;
  }
  const counts: number[] = [a[0]!];
  for (let j = 1; j < n; ) {
    if (a[j]! > 0) counts.push(a[j++]!);
    else {
      j++;
      if (j < n) counts[counts.length - 1]! += a[j++]!;
    }
  }
  return { size: [h, w], counts };
}
