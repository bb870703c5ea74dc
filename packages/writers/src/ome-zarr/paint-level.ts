import { AbortedError } from '@cytorx/core';
import type { BandCompositor, PaintItem } from '../mask/composite.js';
import { bandBuckets } from '../mask/paint-job.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { PyramidLevel } from './pyramid-levels.js';

/**
 * The paint items of a level, made from level 0's (in level 0's paint order, rings already
 * made): same rings (the caller scales their coordinates from level to level), row range
 * scaled conservatively. This gives the pixels the mask writer paints on the batch scaled by
 * `level.factor`:
 * - a power of two scales every coordinate exactly, so the scaled rings are the rings of the
 *   scaled geometry, bit for bit;
 * - areas scale by `factor²` exactly, so `smaller-on-top` orders them the same, and the other
 *   policies do not look at areas;
 * - the items the mask writer would leave out at this scale (outside the canvas) paint no
 *   pixel, and a wider row range only puts an item in bands where it paints nothing.
 * @internal
 */
export function levelItems(items: readonly PaintItem[], level: PyramidLevel): PaintItem[] {
  if (level.factor === 1) return [...items];
  const f = level.factor;
  return items.map((item) => ({
    ...item,
    rowMin: Math.max(0, Math.floor(item.rowMin * f) - 1),
    rowMax: Math.min(level.height, Math.ceil(item.rowMax * f) + 1),
  }));
}

/**
 * Paints `items` (in paint order, rings made) on `level`, one band of `bandRows` rows at a time
 * (`bandRows` divides `chunkSize`), into the start of `band` (all 0, at least
 * `min(bandRows, height)` x (width + 1) bytes: the caller reuses level 0's for every level),
 * and hands each band to `chunks`, which leaves it zero again, ending each chunk row. Returns
 * the contested pixels of the level.
 * @throws {AbortedError} `CYTORX_ABORTED` between bands once `signal` aborts.
 * @internal
 */
export async function paintLevel(
  compositor: BandCompositor,
  items: readonly PaintItem[],
  level: PyramidLevel,
  rows: { chunkSize: number; bandRows: number },
  band: Uint8Array,
  chunks: ChunkWriter,
  context: { imageId: number; signal: AbortSignal; dir: string },
): Promise<number> {
  const { width, height } = level;
  const { chunkSize, bandRows } = rows;
  const stride = width + 1;
  const buf = band.subarray(0, Math.min(bandRows, height) * stride);
  const buckets = bandBuckets(items, height, bandRows);
  let contested = 0;
  for (let b = 0; b < buckets.length; b++) {
    if (context.signal.aborted) {
      throw new AbortedError(`ome-zarr writer aborted while writing ${context.dir} (${width}x${height})`);
    }
    const bucket = buckets[b]!;
    buckets[b] = [];
    const r0 = b * bandRows;
    const r1 = Math.min(height, r0 + bandRows);
    if (bucket.length > 0) contested += compositor.paint(bucket, width, height, r0, r1, buf, context.imageId);
    chunks.rows(buf, stride, width, r1 - r0, bucket.length === 0);
    if (r1 % chunkSize === 0 || r1 === height) await chunks.endRow(context.dir, Math.floor(r0 / chunkSize));
  }
  await chunks.flush();
  return contested;
}
