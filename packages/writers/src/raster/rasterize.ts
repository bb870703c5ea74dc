import { type RasterBand, Rasterizer, type RasterSubject, type SpanCallback } from './rasterizer.js';

// One idle instance kept for reuse; a reentrant call (from inside a span callback) gets its own.
let idle: Rasterizer | undefined;

/**
 * Rasterizes ONE annotation under the cytorx pixel rule (raster-coco.md §C): coordinates
 * snapped to 1/256 px, pixel (x, y) filled iff its centre (x+½, y+½) is inside the even-odd
 * union of all `rings`, half-open ties (centre on a left/top edge is in, on a right/bottom
 * edge out). Calls `onSpan(y, x0, x1)` for each filled span (x1 exclusive), rows ascending,
 * clipped to `[0, width) x [rowStart, rowEnd)`. Exact integer arithmetic: the result does not
 * depend on vertex order, ring order or start vertex, and any finite coordinates work
 * (far outside the canvas, huge, sub-pixel). For many annotations, a {@link Rasterizer}
 * instance avoids re-growing scratch buffers (this function reuses one internally).
 *
 * @param rings every ring of the annotation as flat `[x0, y0, x1, y1, ...]` in canvas pixels;
 *   closing vertex optional; rings with fewer than 3 vertices are ignored.
 * @param width canvas width in pixels.
 * @param height canvas height in pixels.
 * @param onSpan called once per filled span.
 * @param band rows to rasterize (default all rows `0..height`), to process huge canvases in strips.
 * @param subject annotation (and image) id named in errors.
 * @throws {InvalidGeometryError} `CYTORX_INVALID_GEOMETRY` on a NaN/infinite coordinate or an
 *   odd-length ring (before any `onSpan` call).
 * @throws {ConfigError} `CYTORX_CONFIG` on a non-integer canvas size or band.
 * @example
 * ```ts
 * import { rasterizeSpans } from '@cytorx/writers';
 * const mask = new Uint8Array(8 * 8);
 * rasterizeSpans([[1, 1, 5, 1, 5, 5, 1, 5]], 8, 8, (y, x0, x1) => mask.fill(1, y * 8 + x0, y * 8 + x1));
 * // 16 pixels set: the integer square of area 16
 * ```
 */
export function rasterizeSpans(
  rings: ReadonlyArray<ArrayLike<number>>,
  width: number,
  height: number,
  onSpan: SpanCallback,
  band?: RasterBand,
  subject?: RasterSubject,
): void {
  const r = idle ?? new Rasterizer();
  idle = undefined;
  try {
    r.spans(rings, width, height, onSpan, band, subject);
  } finally {
    idle = r;
  }
}
