import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';
import type { Feature } from '../pipeline/types.js';
import { flipFeature } from './flip-feature.js';
import type { FrameOptions } from './to-image-space.js';

/**
 * Inverse of `toImageSpace()`: converts features from image pixel space (y down) back to
 * Cytomine's frame (origin bottom-left, y up), `y_cytomine = H·scale − y_img`, then normalises
 * ring orientation (exterior positive shoelace area: counter-clockwise in Cytomine's y-up
 * frame, as RFC 7946 and JTS expect). Use it before uploading. Features already in
 * Cytomine's frame pass through unchanged.
 * @param options - See {@link FrameOptions}.
 * @throws InvalidGeometryError (`CYTORX_INVALID_GEOMETRY`) as the stream's error when a
 * feature's image has no positive finite height.
 * @example
 * ```ts
 * import { toCytomineSpace } from '@cytorx/core';
 * drawnFeatures$.pipe(toCytomineSpace()); // ready for WKT and upload
 * ```
 */
export function toCytomineSpace(options: FrameOptions = {}): OperatorFunction<Feature, Feature> {
  const inPlace = options.inPlace ?? false;
  return map((feature: Feature) => flipFeature(feature, 'cytomine', inPlace));
}
