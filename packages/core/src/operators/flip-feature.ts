import { InvalidGeometryError } from '../errors/invalid-geometry-error.js';
import { flipYOriented, flipYOrientedInPlace } from '../geometry/orientation.js';
import type { Feature, Frame } from '../pipeline/types.js';

/**
 * Moves a feature to `target` frame: `y' = H·scale − y`, then ring orientation normalised
 * (RFC 7946 on the numbers). Features already in `target` are returned as they are.
 * @throws InvalidGeometryError (`CYTORX_INVALID_GEOMETRY`) when the image height is not a
 * positive finite number.
 * @internal
 */
export function flipFeature(feature: Feature, target: Frame, inPlace = false): Feature {
  if (feature.frame === target) return feature;
  const h = feature.image.height;
  if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
    throw new InvalidGeometryError({
      reason: `image ${feature.image.id} has no usable height (${String(h)}), cannot convert to the ${target} frame`,
      annotationId: feature.annotationId,
      imageId: feature.image.id,
    });
  }
  return {
    ...feature,
    geometry: (inPlace ? flipYOrientedInPlace : flipYOriented)(feature.geometry, h * feature.scale),
    frame: target,
  };
}
