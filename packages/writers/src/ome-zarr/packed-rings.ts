import type { PaintItem } from '../mask/composite.js';
import { geometryToRings } from '../raster/geometry-to-rings.js';

/** Paint items whose rings share one packed coordinate array. @internal */
export interface PackedItems {
  /** The items, in the given order, `order` = their index, `rings` = views of `coords`. */
  items: PaintItem[];
  /** Every ring's flat `[x0, y0, x1, y1, ...]`, one after the other (8 bytes a coordinate). */
  coords: Float64Array;
  /** Each item's x extent, by index. */
  xMin: Float64Array;
  xMax: Float64Array;
}

/**
 * Makes the rings of `items` once and packs them into one Float64Array, each item getting views
 * of it (no copy): the caller can scale every ring in place, level after level. Items keep
 * their fields but `order`, which becomes their index (the paint order is already decided).
 * @internal
 */
export function packRings(items: readonly PaintItem[]): PackedItems {
  // Sized exactly first (rings made twice: cheaper than a growing buffer's copies and peak).
  let size = 0;
  for (const item of items) for (const ring of ringsOf(item)) size += ring.length;
  const coords = new Float64Array(size);
  const xMin = new Float64Array(items.length).fill(Number.POSITIVE_INFINITY);
  const xMax = new Float64Array(items.length).fill(Number.NEGATIVE_INFINITY);
  let used = 0;
  const out = items.map((item, i) => {
    const rings: Float64Array[] = [];
    for (const ring of ringsOf(item)) {
      const view = coords.subarray(used, used + ring.length);
      view.set(ring);
      for (let k = 0; k < ring.length; k += 2) {
        const x = ring[k]!;
        if (x < xMin[i]!) xMin[i] = x;
        if (x > xMax[i]!) xMax[i] = x;
      }
      rings.push(view);
      used += ring.length;
    }
    return { ...item, order: i, rings };
  });
  return { items: out, coords, xMin, xMax };
}

function ringsOf(item: PaintItem): ReadonlyArray<ArrayLike<number>> {
  return item.rings ?? geometryToRings(item.geometry);
}
