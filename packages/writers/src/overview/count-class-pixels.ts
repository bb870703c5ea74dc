import { Rasterizer } from '../raster/rasterizer.js';
import type { OverlayItem } from './overlay-items.js';

/** Mask pixels per class are counted exactly (at the mask's scale) up to this canvas size. */
export const EXACT_COUNT_MAX_PIXELS = 64 * 1024 * 1024;

/**
 * Pixels per class of the export's mask, recomputed exactly: the items (in paint order) are
 * rasterized at canvas scale band by band (`bandRows` rows of the canvas at a time, so
 * memory holds one band), the top item winning, and each band's values counted. Equals the
 * decoded mask's histogram.
 * @internal
 */
export function countClassPixels(
  ordered: readonly OverlayItem[],
  width: number,
  height: number,
  bandRows = 256,
): Map<number, number> {
  const counts = new Uint32Array(256);
  const band = new Uint8Array(width * Math.min(bandRows, height));
  // Spans painted in the band (row offset, x0, x1): counting and clearing visit only them, so
  // the cost follows the painted area, not the canvas.
  let spans = new Int32Array(3 * 1024);
  let n = 0;
  const rasterizer = new Rasterizer();
  for (let rowStart = 0; rowStart < height; rowStart += bandRows) {
    const rowEnd = Math.min(height, rowStart + bandRows);
    n = 0;
    for (const item of ordered) {
      const v = item.value;
      for (const piece of item.pieces) {
        if (piece.rowMax <= rowStart || piece.rowMin >= rowEnd) continue;
        rasterizer.spans(
          piece.canvasRings,
          width,
          height,
          (y, x0, x1) => {
            const o = (y - rowStart) * width;
            band.fill(v, o + x0, o + x1);
            if (n + 3 > spans.length) {
              const grown = new Int32Array(spans.length * 2);
              grown.set(spans);
              spans = grown;
            }
            spans[n++] = o;
            spans[n++] = x0;
            spans[n++] = x1;
          },
          { rowStart, rowEnd },
          { annotationId: item.annotationId },
        );
      }
    }
    // Each pixel is counted once: cleared (0, not counted) as soon as it is.
    for (let k = 0; k < n; k += 3) {
      const end = spans[k]! + spans[k + 2]!;
      for (let p = spans[k]! + spans[k + 1]!; p < end; p++) {
        const v = band[p]!;
        if (v !== 0) {
          counts[v] = counts[v]! + 1;
          band[p] = 0;
        }
      }
    }
  }
  const out = new Map<number, number>();
  for (let v = 1; v < 256; v++) if (counts[v]! > 0) out.set(v, counts[v]!);
  return out;
}
