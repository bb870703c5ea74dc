import type { DecodedWindow } from './decode-png.js';
import type { Band, RegionPlan, WindowRequest } from './region-plan.js';

/** Largest block whose channel sums fit a Uint32 (4096² × 255 < 2³²). */
const UINT32_BLOCK = 4096;

/**
 * Bytes of band buffer per output pixel for a block size (used to size bands): 3 for a
 * full-resolution band, channel sums and a count otherwise.
 */
export function bytesPerPixel(block: number): number {
  if (block === 1) return 3;
  return block <= UINT32_BLOCK ? 16 : 32;
}

/**
 * The output rows `[band.r0, band.r1)` of a canvas, being filled by windows. At full
 * resolution windows are copied straight into PNG rows; when downsampling, each source pixel
 * is added to its block's channel sums and count, and {@link BandBuffer.rows} divides. Pixels
 * no window covered (outside the image, or missing from a clipped answer) stay black.
 */
export class BandBuffer {
  private readonly stride: number;
  private readonly direct: Uint8Array | undefined;
  private readonly sums: Uint32Array | Float64Array | undefined;
  private readonly counts: Uint32Array | Float64Array | undefined;

  constructor(
    private readonly plan: RegionPlan,
    private readonly band: Band,
  ) {
    const rows = band.r1 - band.r0;
    this.stride = 1 + 3 * plan.width;
    if (plan.block === 1) {
      this.direct = new Uint8Array(rows * this.stride);
    } else {
      const n = rows * plan.width;
      const wide = plan.block > UINT32_BLOCK;
      this.sums = wide ? new Float64Array(3 * n) : new Uint32Array(3 * n);
      this.counts = wide ? new Float64Array(n) : new Uint32Array(n);
    }
  }

  /**
   * Adds a decoded window requested as `req`. An answer larger than asked is cropped; a
   * smaller one (the server clipped it) is placed at the window's top-left corner.
   * @returns the number of source pixels used.
   */
  add(req: WindowRequest, img: DecodedWindow): number {
    const cw = Math.min(req.width, img.width);
    const ch = Math.min(req.height, img.height);
    const { plan } = this;
    const { block } = plan;
    const d = img.data;
    const step = img.channels;
    // Grey (+alpha) windows give R = G = B; alpha is dropped.
    const g1 = step >= 3 ? 1 : 0;
    const b2 = step >= 3 ? 2 : 0;
    if (this.direct !== undefined) {
      const out = this.direct;
      const col = req.x - plan.x;
      for (let j = 0; j < ch; j++) {
        const orow = req.y + j - plan.y - this.band.r0;
        let o = orow * this.stride + 1 + 3 * col;
        let s = img.offset + j * img.stride;
        for (let i = 0; i < cw; i++, s += step, o += 3) {
          out[o] = d[s]!;
          out[o + 1] = d[s + g1]!;
          out[o + 2] = d[s + b2]!;
        }
      }
      return cw * ch;
    }
    const sums = this.sums!;
    const counts = this.counts!;
    const width = plan.width;
    const xEnd = req.x + cw;
    for (let j = 0; j < ch; j++) {
      const sy = req.y + j;
      const orow = Math.floor(sy / block) - plan.y - this.band.r0;
      let sx = req.x;
      let o = orow * width + Math.floor(sx / block) - plan.x;
      let s = img.offset + j * img.stride;
      while (sx < xEnd) {
        const end = Math.min(xEnd, (Math.floor(sx / block) + 1) * block);
        let r = 0;
        let g = 0;
        let b = 0;
        const n = end - sx;
        for (; sx < end; sx++, s += step) {
          r += d[s]!;
          g += d[s + g1]!;
          b += d[s + b2]!;
        }
        sums[3 * o] = sums[3 * o]! + r;
        sums[3 * o + 1] = sums[3 * o + 1]! + g;
        sums[3 * o + 2] = sums[3 * o + 2]! + b;
        counts[o] = counts[o]! + n;
        o++;
      }
    }
    return cw * ch;
  }

  /**
   * The band as PNG rows (filter byte `Sub` + RGB): block averages rounded to nearest
   * (halves up), black where nothing was added.
   */
  rows(): Uint8Array {
    const rows = this.band.r1 - this.band.r0;
    const width = this.plan.width;
    const stride = this.stride;
    let out = this.direct;
    if (out === undefined) {
      out = new Uint8Array(rows * stride);
      const sums = this.sums!;
      const counts = this.counts!;
      for (let r = 0; r < rows; r++) {
        let o = r * stride + 1;
        for (let i = r * width, end = i + width; i < end; i++, o += 3) {
          const n = counts[i]!;
          if (n === 0) continue;
          out[o] = Math.round(sums[3 * i]! / n);
          out[o + 1] = Math.round(sums[3 * i + 1]! / n);
          out[o + 2] = Math.round(sums[3 * i + 2]! / n);
        }
      }
    }
    subFilter(out, rows, stride);
    return out;
  }
}

/** Applies PNG filter 1 (Sub) in place to rows of RGB samples (right to left). */
function subFilter(buf: Uint8Array, rows: number, stride: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * stride;
    buf[start] = 1;
    for (let k = start + stride - 1; k > start + 3; k--) buf[k] = (buf[k]! - buf[k - 3]!) & 255;
  }
}
