/** Multiplier of the derived-id scheme: up to 255 extra copies per annotation. */
export const DERIVED_ID_FACTOR = 256;

/**
 * The feature id of copy `index` of an annotation (the `duplicate` multi-term policy makes
 * one copy per term, in the annotation's term order). Copy 0 keeps the annotation id; copy
 * k >= 1 gets the negative id `-(annotationId * 256 + k)`. Cytomine ids are positive, so a
 * derived id can never equal a real one, and distinct (annotation, copy) pairs never collide
 * while `annotationId < 2^45` (so the product stays an exact integer).
 * @param annotationId - A positive Cytomine annotation id.
 * @param index - Copy number, 0..255.
 * @throws RangeError when `index` is outside 0..255 or the id would not be exact.
 * @example
 * ```ts
 * import { derivedFeatureId } from '@cytorx/core';
 * derivedFeatureId(1234, 0); // 1234
 * derivedFeatureId(1234, 2); // -315906
 * ```
 */
export function derivedFeatureId(annotationId: number, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= DERIVED_ID_FACTOR) {
    throw new RangeError(`copy index must be an integer in 0..${DERIVED_ID_FACTOR - 1}, got ${index}`);
  }
  if (index === 0) return annotationId;
  const id = -(annotationId * DERIVED_ID_FACTOR + index);
  if (!Number.isSafeInteger(id))
    throw new RangeError(`annotation id ${annotationId} is too large for a derived id`);
  return id;
}

/**
 * Inverse of {@link derivedFeatureId}: the annotation id and copy number behind a feature id.
 * @param id - A feature id (positive: an annotation id; negative: a derived id).
 * @example
 * ```ts
 * import { parseFeatureId } from '@cytorx/core';
 * parseFeatureId(-315906); // { annotationId: 1234, index: 2 }
 * ```
 */
export function parseFeatureId(id: number): { annotationId: number; index: number } {
  if (id >= 0) return { annotationId: id, index: 0 };
  return { annotationId: Math.floor(-id / DERIVED_ID_FACTOR), index: -id % DERIVED_ID_FACTOR };
}
