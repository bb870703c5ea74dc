import { AbortedError } from '@cytorx/core';
import type { BandCompositor, PaintItem } from '../mask/composite.js';
import { bandBuckets } from '../mask/paint-job.js';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { PyramidLevel } from './pyramid-levels.js';

/**
 * The paint items of a coarser level, made from level 0's (in level 0's paint order): same
 * geometry, rings made when first painted and multiplied by `level.factor`, row range scaled
 * conservatively. This gives the pixels the mask writer paints on the batch scaled by
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
    rings: undefined,
    rowMin: Math.max(0, Math.floor(item.rowMin * f) - 1),
    rowMax: Math.min(level.height, Math.ceil(item.rowMax * f) + 1),
  }));
}

/**
 * Paints `items` (in paint order) on `level`, one band of `chunkSize` rows at a time, and hands
 * each band to `chunks`. One band buffer (`chunkSize` x (width + 1) bytes) is reused; an
 * item's rings are dropped after its last band. Returns the contested pixels of the level.
 * @throws {AbortedError} `CYTORX_ABORTED` between bands once `signal` aborts.
 * @internal
 */
export async function paintLevel(
  compositor: BandCompositor,
  items: readonly PaintItem[],
  level: PyramidLevel,
  chunkSize: number,
  chunks: ChunkWriter,
  context: { imageId: number; signal: AbortSignal; what: string },
): Promise<number> {
  const { width, height, factor } = level;
  const stride = width + 1;
  const buckets = bandBuckets(items, height, chunkSize);
  const buf = new Uint8Array(Math.min(chunkSize, height) * stride);
  let contested = 0;
  for (let b = 0; b < buckets.length; b++) {
    if (context.signal.aborted)
      throw new AbortedError(`ome-zarr writer aborted while writing ${context.what}`);
    const bucket = buckets[b]!;
    buckets[b] = [];
    if (bucket.length === 0) continue; // every chunk of the band is background
    const r0 = b * chunkSize;
    const r1 = Math.min(height, r0 + chunkSize);
    buf.fill(0, 0, (r1 - r0) * stride);
    if (factor !== 1) for (const item of bucket) item.rings ??= scaledRings(item, factor);
    contested += compositor.paint(bucket, width, height, r0, r1, buf, context.imageId);
    for (const item of bucket) if (item.rowMax <= r1) item.rings = undefined; // its last band
    await chunks.band(buf, stride, width, r1 - r0, b);
  }
  await chunks.flush();
  return contested;
}

function scaledRings(item: PaintItem, factor: number): number[][] {
  const rings = geometryToRings(item.geometry);
  for (const ring of rings) for (let i = 0; i < ring.length; i++) ring[i] = ring[i]! * factor;
  return rings;
}
