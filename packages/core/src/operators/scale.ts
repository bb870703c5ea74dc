import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';
import { ConfigError } from '../errors/config-error.js';
import { scaleGeometry } from '../geometry/transform.js';
import type { Feature } from '../pipeline/types.js';

/**
 * Multiplies every coordinate by `factor` and multiplies `feature.scale` by it, for
 * downsampled outputs (0.5 = half resolution). Works in either frame (`toImageSpace` and
 * `clipToImage` use `H·scale`, `W·scale`). Powers of two are exact in floating point, so
 * `scale(2 ** -z)` then `scale(2 ** z)` gives the input back exactly (barring underflow to
 * subnormals below about 1e-300).
 * @param factor - A positive finite number.
 * @throws ConfigError (`CYTORX_CONFIG`), synchronously, when `factor` is not positive and finite.
 * @example
 * ```ts
 * import { scale } from '@cytorx/core';
 * features$.pipe(scale(0.25)); // quarter-resolution coordinates, feature.scale = 0.25
 * ```
 */
export function scale(factor: number): OperatorFunction<Feature, Feature> {
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
    throw new ConfigError(`scale factor must be a positive finite number, got ${String(factor)}`);
  }
  return map((feature: Feature) =>
    factor === 1
      ? feature
      : { ...feature, geometry: scaleGeometry(feature.geometry, factor), scale: feature.scale * factor },
  );
}

/**
 * Zoom level `z` as Cytomine and the image servers count it: factor `2^-z` (z = 0 full
 * resolution, z = 1 half, ...). Same as `scale(2 ** -z)`; negative z upsamples.
 * @param z - An integer zoom level.
 * @throws ConfigError (`CYTORX_CONFIG`), synchronously, when `z` is not an integer in -64..64.
 * @example
 * ```ts
 * import { zoom } from '@cytorx/core';
 * features$.pipe(zoom(2)); // factor 0.25
 * ```
 */
export function zoom(z: number): OperatorFunction<Feature, Feature> {
  if (!Number.isInteger(z) || Math.abs(z) > 64) {
    throw new ConfigError(`zoom level must be an integer in -64..64, got ${String(z)}`);
  }
  return scale(2 ** -z);
}
