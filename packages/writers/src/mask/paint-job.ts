import { geometryToRings } from '../raster/geometry-to-rings.js';
import type { PaintItem } from './composite.js';

/**
 * The paint items of one mask packed into transferable typed arrays (a worker gets them without
 * a copy or a structured clone of nested arrays), and the canvas they are painted on.
 * @internal
 */
export interface PaintJob {
  width: number;
  height: number;
  rowsPerBand: number;
  imageId: number;
  /** Per item, in paint order: class value, row range, annotation id (errors), ring count. */
  values: Uint8Array;
  rowMin: Int32Array;
  rowMax: Int32Array;
  annotationIds: Float64Array;
  ringCounts: Uint32Array;
  /** Per ring: number of coordinates (2 per vertex). */
  ringLengths: Uint32Array;
  /** Every ring's flat `[x0, y0, x1, y1, ...]`, one after the other. */
  coords: Float64Array;
}

/** Packs items (in paint order) into a {@link PaintJob}. @internal */
export function packPaintJob(
  items: readonly PaintItem[],
  canvas: { width: number; height: number; rowsPerBand: number; imageId: number },
): PaintJob {
  const n = items.length;
  const values = new Uint8Array(n);
  const rowMin = new Int32Array(n);
  const rowMax = new Int32Array(n);
  const annotationIds = new Float64Array(n);
  const ringCounts = new Uint32Array(n);
  const rings: ArrayLike<number>[] = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    values[i] = item.value;
    rowMin[i] = item.rowMin;
    rowMax[i] = item.rowMax;
    annotationIds[i] = item.annotationId;
    const own = item.rings ?? geometryToRings(item.geometry);
    ringCounts[i] = own.length;
    for (const r of own) {
      rings.push(r);
      size += r.length;
    }
  }
  const ringLengths = new Uint32Array(rings.length);
  const coords = new Float64Array(size);
  let at = 0;
  rings.forEach((r, k) => {
    ringLengths[k] = r.length;
    coords.set(r, at);
    at += r.length;
  });
  return { ...canvas, values, rowMin, rowMax, annotationIds, ringCounts, ringLengths, coords };
}

/** The buffers of a job, to transfer it to a worker. @internal */
export function paintJobTransfer(job: PaintJob): ArrayBuffer[] {
  return [
    job.values,
    job.rowMin,
    job.rowMax,
    job.annotationIds,
    job.ringCounts,
    job.ringLengths,
    job.coords,
  ].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Unpacks a job into paint items whose rings are views of `coords` (no copy), in paint order,
 * and the items each band of rows touches. @internal
 */
export function unpackPaintJob(job: PaintJob): { items: PaintItem[]; buckets: PaintItem[][] } {
  const items: PaintItem[] = [];
  let ring = 0;
  let at = 0;
  for (let i = 0; i < job.values.length; i++) {
    const rings: Float64Array[] = [];
    for (let k = 0; k < job.ringCounts[i]!; k++) {
      const len = job.ringLengths[ring++]!;
      rings.push(job.coords.subarray(at, at + len));
      at += len;
    }
    items.push({
      geometry: { type: 'MultiPolygon', coordinates: [] }, // unused: rings are given
      rings,
      value: job.values[i]!,
      id: i,
      annotationId: job.annotationIds[i]!,
      order: i,
      area: 0,
      rowMin: job.rowMin[i]!,
      rowMax: job.rowMax[i]!,
    });
  }
  return { items, buckets: bandBuckets(items, job.height, job.rowsPerBand) };
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
