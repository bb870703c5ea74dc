import { type MaskRegion, MaskVectorizer, type VectorizeOptions } from './mask-vectorizer.js';

/**
 * Vectorizes a whole class-index mask held in memory (see {@link MaskVectorizer} for the
 * rules, and to stream a mask too large to hold).
 * @param data - `width · height` pixel values, row by row.
 * @param width - Pixels per row.
 * @param height - Rows.
 * @param options - See {@link VectorizeOptions}; defaults: 8-connectivity, 0 ignored, exact.
 * @returns The regions, in the order they complete (by their last row).
 * @throws ConfigError (`CYTORX_CONFIG`) for bad sizes or options.
 * @example
 * ```ts
 * import { vectorizeMask } from '@cytorx/core';
 * const mask = new Uint8Array([0, 1, 1, 0, 1, 1, 0, 0, 0]);
 * vectorizeMask(mask, 3, 3)[0]?.geometry; // Polygon [[[1,0],[3,0],[3,2],[1,2],[1,0]]]
 * ```
 */
export function vectorizeMask(
  data: ArrayLike<number>,
  width: number,
  height: number,
  options: VectorizeOptions = {},
): MaskRegion[] {
  const regions: MaskRegion[] = [];
  const v = new MaskVectorizer(width, (r) => regions.push(r), options);
  v.push(data, height);
  v.finish();
  return regions;
}
