import { type Canvas, ConfigError } from '@cytorx/core';

/** One image window to download: full-resolution, top-left pixel coordinates (y down). */
export interface WindowRequest {
  /** Index of the output band the window contributes to. */
  band: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A horizontal strip of output rows `[r0, r1)`, filled by its windows, written in order. */
export interface Band {
  r0: number;
  r1: number;
  /** Number of windows that contribute to this band. */
  windows: number;
}

/**
 * How one canvas is produced from the full-resolution image: each canvas pixel `(i, j)` is the
 * average of the source block `[(x+i)·block, (x+i+1)·block) × [(y+j)·block, ...)` clipped to
 * the image (`block = 1/scale`).
 */
export interface RegionPlan {
  /** Side of the source block averaged into one canvas pixel (1 = full resolution). */
  block: number;
  /** Output size (the canvas size). */
  width: number;
  height: number;
  /** Canvas offset, in canvas pixels. */
  x: number;
  y: number;
  /** Source region actually inside the image: `[sx0, sx1) × [sy0, sy1)`, full resolution (may be empty). */
  sx0: number;
  sx1: number;
  sy0: number;
  sy1: number;
  /** Output bands, top to bottom. */
  bands: Band[];
  /** Windows in band order (then row, then column). */
  windows: WindowRequest[];
}

/** Options of {@link planRegion}. */
export interface PlanOptions {
  /** Largest window side in source pixels. */
  maxWindow: number;
  /** Soft cap on the bytes per output pixel times band pixels (sets the band height). */
  bandBytes: number;
  /** Bytes of band buffer per output pixel. */
  bytesPerPixel: number;
}

/**
 * The downsampling block of a canvas scale: `1/scale` when it is a positive integer (scale 1,
 * 1/2, 1/4, ...).
 * @throws {ConfigError} `CYTORX_CONFIG` for any other scale (upsampling or non-integer ratios).
 */
export function blockOf(scale: number): number {
  const block = Math.round(1 / scale);
  if (!(Number.isFinite(scale) && scale > 0 && block >= 1 && Math.abs(1 / block - scale) <= 1e-12 * scale)) {
    throw new ConfigError(
      `images writer: canvas scale must be 1 or 1/n (e.g. 2^-z for --zoom z), got ${String(scale)}`,
    );
  }
  return block;
}

/**
 * Plans the windows that cover a canvas of an image `imageWidth × imageHeight` (full
 * resolution). Windows never leave the image and are at most `maxWindow` on a side; when a
 * block fits in a window, window edges fall on block edges, so one block is never split
 * across windows. Bands hold `max(1, floor(maxWindow / block))` output rows, fewer when a
 * band buffer would exceed `bandBytes`.
 * @throws {ConfigError} `CYTORX_CONFIG` for an invalid canvas or image size.
 */
export function planRegion(
  canvas: Canvas,
  imageWidth: number,
  imageHeight: number,
  options: PlanOptions,
): RegionPlan {
  const { x, y, width, height } = canvas;
  for (const [name, v, min] of [
    ['canvas.x', x, 0],
    ['canvas.y', y, 0],
    ['canvas.width', width, 1],
    ['canvas.height', height, 1],
    ['image width', imageWidth, 1],
    ['image height', imageHeight, 1],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < min) {
      throw new ConfigError(`images writer: ${name} must be an integer >= ${min}, got ${String(v)}`);
    }
  }
  const block = blockOf(canvas.scale);
  const { maxWindow } = options;
  const sx0 = Math.min(imageWidth, x * block);
  const sx1 = Math.min(imageWidth, (x + width) * block);
  const sy0 = Math.min(imageHeight, y * block);
  const sy1 = Math.min(imageHeight, (y + height) * block);

  // Output rows per band: one window row when a block fits in a window, one block row otherwise.
  let rows = Math.max(1, Math.floor(maxWindow / block));
  const budgetRows = Math.floor(options.bandBytes / (width * options.bytesPerPixel));
  rows = Math.max(1, Math.min(rows, budgetRows, height));
  // Window width: whole blocks when they fit.
  const winW = block <= maxWindow ? Math.floor(maxWindow / block) * block : maxWindow;

  const bands: Band[] = [];
  const windows: WindowRequest[] = [];
  for (let r0 = 0; r0 < height; r0 += rows) {
    const r1 = Math.min(height, r0 + rows);
    const band = bands.length;
    let count = 0;
    const top = Math.min(sy1, (y + r0) * block);
    const bottom = Math.min(sy1, (y + r1) * block);
    for (let wy = top; wy < bottom; wy += maxWindow) {
      const h = Math.min(maxWindow, bottom - wy);
      for (let wx = sx0; wx < sx1; wx += winW) {
        windows.push({ band, x: wx, y: wy, width: Math.min(winW, sx1 - wx), height: h });
        count++;
      }
    }
    bands.push({ r0, r1, windows: count });
  }
  return { block, width, height, x, y, sx0, sx1, sy0, sy1, bands, windows };
}
