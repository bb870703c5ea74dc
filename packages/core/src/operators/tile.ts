import type { OperatorFunction } from 'rxjs';
import { concatMap, from } from 'rxjs';
import type { ImageBatch } from '../pipeline/types.js';
import { type TileOptions, tileBatch, tileGrid } from './tile-batch.js';

/**
 * Splits each image batch into a grid of tile batches ({@link tileBatch}): stride
 * `size − overlap`, edge tiles truncated to the canvas, features clipped to each tile and in
 * tile-local coordinates, `tile: { col, row }` set. Tiles of one batch are produced lazily,
 * so unsubscribing (or `take(n)`) stops the work.
 * @param options - `size`, `overlap` (default 0), `select` (`'all'` default, `'annotated'`,
 * `{ minCoverage }`).
 * @throws ConfigError (`CYTORX_CONFIG`), synchronously, on invalid options.
 * @example
 * ```ts
 * import { groupByImage, tile } from '@cytorx/core';
 * features$.pipe(groupByImage(), tile({ size: 512, overlap: 64, select: 'annotated' }));
 * ```
 */
export function tile(options: TileOptions): OperatorFunction<ImageBatch, ImageBatch> {
  tileGrid(1, 1, options); // validates the options now
  return concatMap((batch: ImageBatch) => from(tileBatch(batch, options)));
}
