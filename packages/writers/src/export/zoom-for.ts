import { ConfigError } from '@cytorx/core';

/**
 * The zoom level an export uses for one image: `zoom` when given, else, with `maxSize`, the
 * smallest power-of-two downsampling that makes the image's longest side fit:
 * `z = max(0, ceil(log2(max(W, H) / maxSize)))`, so the canvas side `ceil(max(W, H) / 2^z)` is
 * at most `maxSize` (images already small enough stay at full resolution). Powers of two keep
 * scaling exact in floating point and match the zoom levels of image servers.
 * @param width - Full-resolution width.
 * @param height - Full-resolution height.
 * @param options - `zoom` (an integer >= 0) or `maxSize` (an integer >= 1); neither gives 0.
 * @throws ConfigError `CYTORX_CONFIG` for an invalid zoom or maxSize, or both given.
 * @example
 * ```ts
 * import { zoomFor } from '@cytorx/writers';
 * zoomFor(100_000, 72_000, { maxSize: 2048 }); // 6 (100000 / 64 = 1562.5 <= 2048)
 * ```
 */
export function zoomFor(width: number, height: number, options: { zoom?: number; maxSize?: number }): number {
  const { zoom, maxSize } = options;
  if (zoom !== undefined && maxSize !== undefined) throw new ConfigError('give zoom or maxSize, not both');
  if (zoom !== undefined) {
    if (!Number.isInteger(zoom) || zoom < 0 || zoom > 30) {
      throw new ConfigError(`zoom must be an integer in 0..30, got ${String(zoom)}`);
    }
    return zoom;
  }
  if (maxSize === undefined) return 0;
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new ConfigError(`maxSize must be a positive integer, got ${String(maxSize)}`);
  }
  const side = Math.max(width, height);
  let z = Math.max(0, Math.ceil(Math.log2(side / maxSize)));
  // Guard against log2 rounding: the canvas side must fit, and one level less must not.
  while (Math.ceil(side / 2 ** z) > maxSize) z++;
  while (z > 0 && Math.ceil(side / 2 ** (z - 1)) <= maxSize) z--;
  return z;
}
