import type { OperatorFunction } from 'rxjs';
import { InvalidGeometryError } from '../errors/invalid-geometry-error.js';
import { clipGeometryToRect } from '../geometry/clip-rect.js';
import type { Feature, WarningSink } from '../pipeline/types.js';
import { warnFeature } from '../pipeline/warn.js';
import { flatMapSync } from './flat-map-sync.js';

/** Options of {@link clipToImage}. */
export interface ClipToImageOptions {
  /** Receives `OUTSIDE_IMAGE` (skipped) for features with nothing left inside the image. */
  onWarning?: WarningSink;
}

/**
 * Intersects each feature with its image rectangle `[0, W·scale] x [0, H·scale]` (W, H =
 * `feature.image.width/height`), in the feature's own frame (the y flip maps that rectangle
 * onto itself, so this works before or after `toImageSpace`). Polygons are intersected with
 * polygon-clipping (a polygon already inside is passed through untouched; a clipped polygon
 * may become a MultiPolygon); lines are clipped with Liang–Barsky; points outside are dropped.
 * A feature with nothing left (no area, no length, no point) is dropped with an
 * `OUTSIDE_IMAGE` warning. Run `repair()` first: polygon-clipping reads self-crossing rings
 * with the non-zero rule.
 * @param options - `onWarning`.
 * @throws InvalidGeometryError (`CYTORX_INVALID_GEOMETRY`) as the stream's error when a
 * feature's image has no positive finite width/height; errors thrown by `onWarning`.
 * @example
 * ```ts
 * import { clipToImage, repair, toImageSpace } from '@cytorx/core';
 * features$.pipe(toImageSpace(), repair({ onWarning }), clipToImage({ onWarning }));
 * ```
 */
export function clipToImage(options: ClipToImageOptions = {}): OperatorFunction<Feature, Feature> {
  const { onWarning } = options;
  return flatMapSync((feature: Feature): Feature[] => {
    const { width, height } = feature.image;
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
    if (!ok(width) || !ok(height)) {
      throw new InvalidGeometryError({
        reason: `image ${feature.image.id} has no usable size (${String(width)} x ${String(height)}), cannot clip`,
        annotationId: feature.annotationId,
        imageId: feature.image.id,
      });
    }
    const clipped = clipGeometryToRect(feature.geometry, [
      0,
      0,
      width * feature.scale,
      height * feature.scale,
    ]);
    if (!clipped) {
      warnFeature(
        onWarning,
        feature,
        'clipToImage',
        'OUTSIDE_IMAGE',
        `annotation ${feature.annotationId}: entirely outside image ${feature.image.id} (${width} x ${height})`,
        true,
      );
      return [];
    }
    return [clipped === feature.geometry ? feature : { ...feature, geometry: clipped }];
  });
}
