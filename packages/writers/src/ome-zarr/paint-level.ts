import { AbortedError } from '@cytorx/core';
import type { BandCompositor, PaintItem } from '../mask/composite.js';
import { bandBuckets } from '../mask/paint-bands.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { PyramidLevel } from './pyramid-levels.js';

/** What painting every level of one image shares. @internal */
export interface ImagePaint {
  compositor: BandCompositor;
  chunks: ChunkWriter;
  /** Band buffer, all 0: `bandRows` rows of level 0 (reused by the smaller levels). */
  band: Uint8Array;
  chunkSize: number;
  /** Rows painted at a time; divides `chunkSize`. */
  bandRows: number;
  /** Level-0 x extent of each item's rings, by `item.order` (see `packRings`). */
  xMin: Float64Array;
  xMax: Float64Array;
  imageId: number;
  signal: AbortSignal;
}

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
 * Paints `items` (in paint order, rings made) on `level`, one band of `bandRows` rows at a
 * time, into the start of `paint.band`, and hands each band to `paint.chunks` (which leaves it
 * zero again) with, per chunk column, the rows the items' bounding boxes cover, ending each
 * chunk row. Returns the contested pixels of the level.
 * @throws {AbortedError} `CYTORX_ABORTED` between bands once `signal` aborts.
 * @internal
 */
export async function paintLevel(
  items: readonly PaintItem[],
  level: PyramidLevel,
  dir: string,
  paint: ImagePaint,
): Promise<number> {
  const { width, height, factor } = level;
  const { chunkSize, bandRows, compositor, chunks, xMin, xMax } = paint;
  const stride = width + 1;
  const buf = paint.band.subarray(0, Math.min(bandRows, height) * stride);
  const buckets = bandBuckets(items, height, bandRows);
  const cols = Math.ceil(width / chunkSize);
  const marks = Array.from({ length: cols }, () => new Uint8Array(bandRows));
  const candidates: Array<Uint8Array | undefined> = new Array(cols);
  let contested = 0;
  for (let b = 0; b < buckets.length; b++) {
    if (paint.signal.aborted) {
      throw new AbortedError(`ome-zarr writer aborted while writing ${dir} (${width}x${height})`);
    }
    const bucket = buckets[b]!;
    buckets[b] = [];
    const r0 = b * bandRows;
    const r1 = Math.min(height, r0 + bandRows);
    candidates.fill(undefined);
    if (bucket.length > 0) {
      contested += compositor.paint(bucket, width, height, r0, r1, buf, paint.imageId);
      // Conservative boxes: a pixel is painted only if its centre is inside the rings.
      for (const item of bucket) {
        const xa = Math.max(0, Math.floor(xMin[item.order]! * factor) - 1);
        const xb = Math.min(width - 1, Math.ceil(xMax[item.order]! * factor) + 1);
        const ya = Math.max(r0, item.rowMin) - r0;
        const yb = Math.min(r1, item.rowMax) - r0;
        if (xb < xa || yb <= ya) continue;
        for (let c = Math.floor(xa / chunkSize); c <= Math.floor(xb / chunkSize); c++) {
          const m = marks[c]!;
          if (candidates[c] === undefined) {
            m.fill(0);
            candidates[c] = m;
          }
          m.fill(1, ya, yb);
        }
      }
    }
    chunks.rows(buf, stride, width, r1 - r0, candidates);
    if (r1 % chunkSize === 0 || r1 === height) await chunks.endRow(dir, Math.floor(r0 / chunkSize));
  }
  await chunks.flush();
  return contested;
}
