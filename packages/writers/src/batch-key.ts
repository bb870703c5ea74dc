import type { ImageBatch } from '@cytorx/core';

/**
 * The name of a batch used in file paths, events and errors: the image id (`"12"`) for a whole
 * image, `"{imageId}/{x}_{y}"` (canvas offset in scaled image pixels) for one tile. Built from
 * numbers only, so it is always a safe relative path. Writers use it so their files line up:
 * `geojson/12/512_0.geojson`, `masks/12/512_0.png`, `images/12/512_0.png`.
 *
 * @param batch - An image batch.
 * @example
 * ```ts
 * import { batchKey } from '@cytorx/writers';
 * batchKey(batch); // '12' or '12/512_0'
 * ```
 */
export function batchKey(batch: ImageBatch): string {
  const id = num(batch.image.id);
  if (batch.tile === undefined) return id;
  return `${id}/${num(batch.canvas.x)}_${num(batch.canvas.y)}`;
}

/** A number as a path-safe string (non-finite values become `_`). */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '_';
}
