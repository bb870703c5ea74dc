import { AbortedError, ConfigError } from '@cytorx/core';
import { type PngBand, PngRows } from './png-rows.js';

/** A tile of a tiled mask: its top-left corner on the canvas. */
export interface MaskTile {
  x: number;
  y: number;
  path: string;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The canvas of a tiled mask, one row of tiles at a time (as `cytorx export --tile` cuts it:
 * tile (col, row) at `(col·stride, row·stride)`, stride = size − overlap, edge tiles
 * truncated). Where tiles overlap, a pixel is taken from the tile whose stride cell holds it
 * (the last column and row of tiles reach to the canvas edge); a missing tile (export with
 * `--tiles annotated`) is background 0. Memory: one band of `stride` canvas rows plus one
 * tile being decoded. The band buffer is reused: consume each band before the next. @internal
 * @param layout - Tile size and overlap (from the manifest); default: inferred from the tiles
 *   (stride = gcd of their positions, no overlap).
 * @throws ConfigError (`CYTORX_CONFIG`) for a tile off the grid or off the canvas.
 */
export async function* tiledBands(
  tiles: readonly MaskTile[],
  width: number,
  height: number,
  layout: { size: number; overlap: number } | undefined,
  signal?: AbortSignal,
): AsyncGenerator<PngBand> {
  let stride = layout ? layout.size - layout.overlap : 0;
  const overlap = layout?.overlap ?? 0;
  if (stride <= 0) {
    for (const t of tiles) stride = gcd(gcd(stride, t.x), t.y);
    if (stride === 0) stride = Math.max(width, height);
  }
  const nCols = Math.max(1, Math.ceil((width - overlap) / stride));
  const nRows = Math.max(1, Math.ceil((height - overlap) / stride));
  const byRow = new Map<number, MaskTile[]>();
  for (const t of tiles) {
    if (t.x % stride !== 0 || t.y % stride !== 0 || t.x / stride >= nCols || t.y / stride >= nRows) {
      throw new ConfigError(
        `tile ${t.path} is not on the tile grid of a ${width}x${height} canvas (stride ${stride}); check the export's manifest.json and --zoom`,
      );
    }
    const row = byRow.get(t.y / stride) ?? [];
    row.push(t);
    byRow.set(t.y / stride, row);
  }
  const band = new Uint8Array(Math.min(stride, height) * width);
  for (let r = 0; r < nRows; r++) {
    if (signal?.aborted) throw new AbortedError('reading tiled masks aborted');
    const y0 = r * stride;
    const y1 = r === nRows - 1 ? height : Math.min(height, y0 + stride);
    const rows = y1 - y0;
    const data = rows * width <= band.length ? band.subarray(0, rows * width) : new Uint8Array(rows * width);
    data.fill(0);
    for (const t of byRow.get(r) ?? []) {
      const png = await PngRows.open(t.path);
      const col = t.x / stride;
      const x1 = Math.min(col === nCols - 1 ? width : t.x + stride, t.x + png.width);
      if (t.x + png.width > width || y0 + png.height > height) {
        throw new ConfigError(
          `tile ${t.path} (${png.width}x${png.height} at ${t.x},${t.y}) reaches past the ${width}x${height} canvas; check --zoom`,
        );
      }
      const need = Math.min(rows, png.height);
      for await (const b of png.bands(need)) {
        for (let k = 0; k < b.rows && b.y0 + k < need; k++) {
          const from = k * png.width;
          data.set(b.data.subarray(from, from + (x1 - t.x)), (b.y0 + k) * width + t.x);
        }
        if (b.y0 + b.rows >= need) break;
      }
    }
    yield { y0, rows, data };
  }
}
