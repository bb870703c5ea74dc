import { ConfigError, InvalidGeometryError } from '@cytorx/core';
import { exactEdgeCrossings } from './exact-edge.js';

/** Receives one filled span of row `y`: pixels `x0 <= x < x1`. */
export type SpanCallback = (y: number, x0: number, x1: number) => void;

/** A band of rows `[rowStart, rowEnd)`. */
export interface RasterBand {
  rowStart: number;
  rowEnd: number;
}

/** Who the rings belong to, for error messages. */
export interface RasterSubject {
  annotationId?: number;
  imageId?: number;
}

/** Snapped coordinates with a magnitude above this take the exact BigInt path (2^25 = 131,072 px). */
const SAFE = 2 ** 25;
/** Rows with more crossings than this are sorted with TypedArray#sort instead of insertion sort. */
const INSERTION_MAX = 24;

/**
 * A reusable scanline rasterizer implementing the cytorx pixel rule (raster-coco.md §C): every
 * coordinate snapped to 1/256 px, pixel (x, y) filled iff its centre is inside the even-odd
 * union of all rings, half-open ties (an edge takes part in row y iff min(y0,y1) <= y+½ <
 * max(y0,y1); the span between sorted crossings xa <= xb is xa <= x+½ < xb). Integer
 * arithmetic throughout, so the result is exact and independent of vertex order, ring order
 * and start vertex. Scratch buffers grow as needed and are reused across calls; an instance
 * is not reentrant (do not call it from its own span callback).
 *
 * @example
 * ```ts
 * import { Rasterizer } from '@cytorx/writers';
 * const r = new Rasterizer();
 * const mask = new Uint8Array(16 * 16);
 * r.spans([[2, 2, 10, 2, 10, 10, 2, 10]], 16, 16, (y, x0, x1) => mask.fill(1, y * 16 + x0, y * 16 + x1));
 * ```
 */
export class Rasterizer {
  // Per vertex: snapped and original coordinates.
  private sx = new Float64Array(1024);
  private sy = new Float64Array(1024);
  private ox = new Float64Array(1024);
  private oy = new Float64Array(1024);
  private ringFirst = new Int32Array(16);
  private ringCount = new Int32Array(16);
  // Per edge: lower and upper vertex (by y) and its row range.
  private eLo = new Int32Array(1024);
  private eHi = new Int32Array(1024);
  private eYs = new Int32Array(1024);
  private eYe = new Int32Array(1024);
  // Per row: crossing offsets; crossings.
  private rowPtr = new Int32Array(1024);
  private cross = new Int32Array(4096);

  /**
   * Calls `onSpan(y, x0, x1)` for each filled span (x1 exclusive), rows ascending, clipped to
   * `[0, width) x [rowStart, rowEnd)` (whole canvas by default). Geometry is validated before
   * the first callback.
   * @param rings every ring of ONE annotation as flat `[x0, y0, x1, y1, ...]` in canvas pixels
   *   (closing vertex optional; rings with fewer than 3 vertices are ignored).
   * @param width canvas width in pixels.
   * @param height canvas height in pixels.
   * @param onSpan span callback.
   * @param band rows to rasterize, default `{ rowStart: 0, rowEnd: height }`.
   * @param subject annotation/image ids named in errors.
   * @throws {InvalidGeometryError} `CYTORX_INVALID_GEOMETRY` on NaN/Infinity or an odd-length ring.
   * @throws {ConfigError} `CYTORX_CONFIG` if width/height/band are not integers.
   */
  spans(
    rings: ReadonlyArray<ArrayLike<number>>,
    width: number,
    height: number,
    onSpan: SpanCallback,
    band?: RasterBand,
    subject?: RasterSubject,
  ): void {
    if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 0 || height < 0) {
      throw new ConfigError(`rasterize: canvas size must be non-negative integers, got ${width}x${height}`);
    }
    let r0 = 0;
    let r1 = height;
    if (band !== undefined) {
      if (!Number.isSafeInteger(band.rowStart) || !Number.isSafeInteger(band.rowEnd)) {
        throw new ConfigError(`rasterize: band rows must be integers, got ${band.rowStart}..${band.rowEnd}`);
      }
      r0 = Math.max(0, band.rowStart);
      r1 = Math.min(height, band.rowEnd);
    }

    // Pass 1: validate, snap, collect rings.
    const nRings = rings.length;
    if (this.ringFirst.length < nRings) {
      this.ringFirst = new Int32Array(nRings * 2);
      this.ringCount = new Int32Array(nRings * 2);
    }
    let nv = 0;
    for (let k = 0; k < nRings; k++) {
      const len = rings[k]!.length;
      if (len % 2 !== 0) {
        throw invalid(subject, `ring ${k} has an odd number of coordinates (${len})`);
      }
      nv += len >> 1;
    }
    if (this.sx.length < nv) this.growVertices(nv);
    const sx = this.sx;
    const sy = this.sy;
    let minY = Number.POSITIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    let big = false;
    let v = 0;
    let usedRings = 0;
    for (let k = 0; k < nRings; k++) {
      const ring = rings[k]!;
      const len = ring.length;
      const first = v;
      let ringMinY = Number.POSITIVE_INFINITY;
      let ringMaxY = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < len; i += 2) {
        const x = ring[i]!;
        const y = ring[i + 1]!;
        const X = Math.round(x * 256);
        const Y = Math.round(y * 256);
        // One test catches NaN, ±Infinity and large values (NaN fails every comparison).
        if (!(X <= SAFE && X >= -SAFE && Y <= SAFE && Y >= -SAFE)) {
          if (!Number.isFinite(x) || !Number.isFinite(y)) {
            throw invalid(subject, `ring ${k} vertex ${i >> 1} has a non-finite coordinate (${x}, ${y})`);
          }
          big = true;
        }
        sx[v] = X;
        sy[v] = Y;
        if (Y < ringMinY) ringMinY = Y;
        if (Y > ringMaxY) ringMaxY = Y;
        v++;
      }
      const n = v - first;
      if (n < 3) {
        v = first;
        continue;
      }
      if (ringMinY < minY) minY = ringMinY;
      if (ringMaxY > maxY) maxY = ringMaxY;
      this.ringFirst[usedRings] = first;
      this.ringCount[usedRings] = n;
      usedRings++;
    }
    if (usedRings === 0 || r0 >= r1 || width === 0) return;

    // Original coordinates, for the exact BigInt path of edges with large coordinates.
    if (big) this.storeOriginals(rings);
    const ox = this.ox;
    const oy = this.oy;

    // Rows [rowLo, rowHi) that any edge can touch, within the band.
    const rowLo = Math.max(r0, rowOf(minY, height));
    const rowHi = Math.min(r1, rowOf(maxY, height));
    const nRows = rowHi - rowLo;
    if (nRows <= 0) return;
    if (this.rowPtr.length < nRows + 1) this.rowPtr = new Int32Array(growSize(this.rowPtr.length, nRows + 1));
    const ptr = this.rowPtr;
    ptr.fill(0, 0, nRows + 1);

    // Pass 2: non-horizontal edges touching the rows, with their row range; count per row.
    if (this.eLo.length < nv) this.growEdges(nv);
    const eLo = this.eLo;
    const eHi = this.eHi;
    const eYs = this.eYs;
    const eYe = this.eYe;
    let ne = 0;
    for (let k = 0; k < usedRings; k++) {
      const first = this.ringFirst[k]!;
      const last = first + this.ringCount[k]! - 1;
      let a = last;
      for (let b = first; b <= last; a = b, b++) {
        const ya = sy[a]!;
        const yb = sy[b]!;
        if (ya === yb) continue;
        let lo = a;
        let hi = b;
        if (yb < ya) {
          lo = b;
          hi = a;
        }
        // First row whose centre is >= Y: ceil((Y - 128) / 256), as a shift when |Y| <= 2^25.
        let ys = big ? rowOf(sy[lo]!, height) : -((128 - sy[lo]!) >> 8);
        let ye = big ? rowOf(sy[hi]!, height) : -((128 - sy[hi]!) >> 8);
        if (ys < rowLo) ys = rowLo;
        if (ye > rowHi) ye = rowHi;
        if (ys >= ye) continue;
        eLo[ne] = lo;
        eHi[ne] = hi;
        eYs[ne] = ys;
        eYe[ne] = ye;
        ne++;
        ptr[ys - rowLo] = ptr[ys - rowLo]! + 1;
        ptr[ye - rowLo] = ptr[ye - rowLo]! - 1;
      }
    }
    if (ne === 0) return;
    // Difference counts -> start offsets.
    let active = 0;
    let total = 0;
    for (let i = 0; i < nRows; i++) {
      active += ptr[i]!;
      ptr[i] = total;
      total += active;
    }
    if (this.cross.length < total) this.cross = new Int32Array(growSize(this.cross.length, total));
    const cross = this.cross;

    // Pass 3: crossings. After this, ptr[i] is the end (= start of row i + 1).
    for (let k = 0; k < ne; k++) {
      const lo = eLo[k]!;
      const hi = eHi[k]!;
      const ys = eYs[k]!;
      const ye = eYe[k]!;
      const X0 = sx[lo]!;
      const Y0 = sy[lo]!;
      const X1 = sx[hi]!;
      const Y1 = sy[hi]!;
      if (
        big &&
        !(Math.abs(X0) <= SAFE && Math.abs(X1) <= SAFE && Math.abs(Y0) <= SAFE && Math.abs(Y1) <= SAFE)
      ) {
        exactEdgeCrossings(ox[lo]!, oy[lo]!, ox[hi]!, oy[hi]!, ys, ye, width, rowLo, ptr, cross);
        continue;
      }
      // All |coordinates| <= 2^25: every product below is < 2^53, so exact.
      const den = Y1 - Y0;
      const dX = X1 - X0;
      const D = den * 256;
      const num = (ys * 256 + 128 - Y0) * dX + (X0 - 128) * den;
      let q = Math.ceil(num / D);
      let r = q * D - num; // num = q·D − r, want 0 <= r < D
      while (r < 0) {
        q++;
        r += D;
      }
      while (r >= D) {
        q--;
        r -= D;
      }
      let i = ys - rowLo;
      let p = ptr[i]!;
      ptr[i] = p + 1;
      cross[p] = Math.max(0, Math.min(q, width));
      if (ye - ys > 1) {
        // Next row: num += 256·dX = a·D + b with 0 <= b < D.
        const step = dX * 256;
        let a = Math.floor(step / D);
        let b = step - a * D;
        while (b < 0) {
          a--;
          b += D;
        }
        while (b >= D) {
          a++;
          b -= D;
        }
        const iEnd = ye - rowLo;
        for (i++; i < iEnd; i++) {
          q += a;
          r -= b;
          if (r < 0) {
            r += D;
            q++;
          }
          p = ptr[i]!;
          ptr[i] = p + 1;
          cross[p] = Math.max(0, Math.min(q, width));
        }
      }
    }

    // Rows: sort crossings, emit spans between pairs.
    let start = 0;
    for (let i = 0; i < nRows; i++) {
      const end = ptr[i]!;
      const n = end - start;
      if (n > 1) {
        if (n === 2) {
          const c0 = cross[start]!;
          const c1 = cross[start + 1]!;
          if (c0 < c1) onSpan(rowLo + i, c0, c1);
          else if (c1 < c0) onSpan(rowLo + i, c1, c0);
        } else {
          if (n <= INSERTION_MAX) insertionSort(cross, start, end);
          else cross.subarray(start, end).sort();
          const y = rowLo + i;
          for (let j = start; j + 1 < end; j += 2) {
            const xa = cross[j]!;
            let xb = cross[j + 1]!;
            // Merge spans that touch (xb === next xa) into one callback.
            while (j + 3 < end && cross[j + 2]! === xb) {
              j += 2;
              xb = cross[j + 1]!;
            }
            if (xa < xb) onSpan(y, xa, xb);
          }
        }
      }
      start = end;
    }
  }

  /** Copies the unsnapped coordinates of the used rings (same vertex numbering as pass 1). */
  private storeOriginals(rings: ReadonlyArray<ArrayLike<number>>): void {
    const ox = this.ox;
    const oy = this.oy;
    let v = 0;
    for (const ring of rings) {
      if (ring.length < 6) continue;
      for (let i = 0; i < ring.length; i += 2) {
        ox[v] = ring[i]!;
        oy[v] = ring[i + 1]!;
        v++;
      }
    }
  }

  private growVertices(n: number): void {
    const size = growSize(this.sx.length, n);
    this.sx = new Float64Array(size);
    this.sy = new Float64Array(size);
    this.ox = new Float64Array(size);
    this.oy = new Float64Array(size);
  }

  private growEdges(n: number): void {
    const size = growSize(this.eLo.length, n);
    this.eLo = new Int32Array(size);
    this.eHi = new Int32Array(size);
    this.eYs = new Int32Array(size);
    this.eYe = new Int32Array(size);
  }
}

/** First row whose centre is >= Y (snapped units), clamped to [-1, height + 1]. */
function rowOf(Y: number, height: number): number {
  if (Y < -256) return -1;
  if (Y > (height + 1) * 256) return height + 1;
  // ceil((Y - 128) / 256); exact since |Y| is small here and 256 is a power of two.
  return Math.ceil((Y - 128) / 256);
}

function insertionSort(a: Int32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= start && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function growSize(current: number, needed: number): number {
  let s = Math.max(current, 16);
  while (s < needed) s *= 2;
  return s;
}

function invalid(subject: RasterSubject | undefined, reason: string): InvalidGeometryError {
  const details: { reason: string; annotationId?: number; imageId?: number } = { reason };
  if (subject?.annotationId !== undefined) details.annotationId = subject.annotationId;
  if (subject?.imageId !== undefined) details.imageId = subject.imageId;
  return new InvalidGeometryError(details);
}
