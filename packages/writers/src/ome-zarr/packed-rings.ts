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
  let coords = new Float64Array(1024);
  let used = 0;
  const spans: Array<Array<[number, number]>> = [];
  const xMin = new Float64Array(items.length).fill(Number.POSITIVE_INFINITY);
  const xMax = new Float64Array(items.length).fill(Number.NEGATIVE_INFINITY);
  items.forEach((item, i) => {
    const own: Array<[number, number]> = [];
    for (const ring of item.rings ?? geometryToRings(item.geometry)) {
      if (used + ring.length > coords.length) {
        const grown = new Float64Array(Math.max(coords.length * 2, used + ring.length));
        grown.set(coords.subarray(0, used));
        coords = grown;
      }
      for (let k = 0; k < ring.length; k++) coords[used + k] = ring[k]!;
      for (let k = 0; k < ring.length; k += 2) {
        const x = ring[k]!;
        if (x < xMin[i]!) xMin[i] = x;
        if (x > xMax[i]!) xMax[i] = x;
      }
      own.push([used, used + ring.length]);
      used += ring.length;
    }
    spans.push(own);
  });
  const packed = coords.slice(0, used); // exact size; the growing buffer goes
  const out = items.map((item, i) => ({
    ...item,
    order: i,
    rings: spans[i]!.map(([a, b]) => packed.subarray(a, b)),
  }));
  return { items: out, coords: packed, xMin, xMax };
}
