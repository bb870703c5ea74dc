import type { BandCompositor, PaintItem } from './composite.js';

/**
 * Receives the painted bands of a mask in order: `buf` holds rows [rowStart, rowEnd) laid out
 * as PNG rows. The returned promise resolves once `buf` may be reused (zlib consumed it).
 * @internal
 */
export type BandSink = (
  buf: Uint8Array,
  rowStart: number,
  rowEnd: number,
  contested: number,
) => Promise<void>;

/**
 * Paints `items` (in paint order) band after band of `rowsPerBand` rows into two alternating
 * buffers: while zlib compresses one band, the next one is painted. An item's rings are
 * dropped after its last band. The buffers come from `spare` when it has them and go back to
 * it at the end (not on failure). @internal
 */
export async function paintBands(
  compositor: BandCompositor,
  items: readonly PaintItem[],
  canvas: { width: number; height: number; rowsPerBand: number; imageId: number },
  sink: BandSink,
  spare: Uint8Array[] = [],
): Promise<void> {
  const { width, height, rowsPerBand, imageId } = canvas;
  const stride = width + 1;
  const size = rowsPerBand * stride;
  const buckets = bandBuckets(items, height, rowsPerBand);
  const bufs: Uint8Array[] = [];
  const inFlight: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  for (let b = 0; b < buckets.length; b++) {
    const r0 = b * rowsPerBand;
    const r1 = Math.min(height, r0 + rowsPerBand);
    const slot = b % 2;
    await inFlight[slot];
    let buf = bufs[slot];
    if (buf === undefined) {
      const reused = spare.pop();
      buf = reused !== undefined && reused.length >= size ? reused.fill(0, 0, size) : new Uint8Array(size);
      bufs[slot] = buf;
    } else buf.fill(0, 0, (r1 - r0) * stride);
    const bucket = buckets[b]!;
    const contested = compositor.paint(bucket, width, height, r0, r1, buf, imageId);
    for (const item of bucket) if (item.rowMax <= r1) item.rings = undefined; // last band of the item
    buckets[b] = [];
    const written = sink(buf, r0, r1, contested);
    written.catch(() => {}); // awaited before the buffer's reuse, or abandoned on failure
    inFlight[slot] = written;
  }
  await Promise.all(inFlight);
  spare.push(...bufs);
}

/** The items (in paint order) each band of `rowsPerBand` rows touches. @internal */
export function bandBuckets(items: readonly PaintItem[], height: number, rowsPerBand: number): PaintItem[][] {
  const nBands = Math.ceil(height / rowsPerBand);
  const buckets: PaintItem[][] = Array.from({ length: nBands }, () => []);
  for (const item of items) {
    const last = Math.floor((item.rowMax - 1) / rowsPerBand);
    for (let b = Math.floor(item.rowMin / rowsPerBand); b <= last; b++) buckets[b]!.push(item);
  }
  return buckets;
}
