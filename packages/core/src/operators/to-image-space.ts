import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';
import type { Feature, WarningSink } from '../pipeline/types.js';
import { flipFeature } from './flip-feature.js';

/** Options of {@link toImageSpace} and `toCytomineSpace` (none yet besides the sink). */
export interface FrameOptions {
  /** Accepted for uniformity; these operators raise no warnings. */
  onWarning?: WarningSink;
  /**
   * Rewrite each feature's coordinate arrays in place instead of copying them: the same
   * numbers, no new arrays (less garbage on large exports). Only for features whose geometry
   * nobody else holds, such as `parseWkt`'s output. Default false.
   */
  inPlace?: boolean;
}

/**
 * Converts features from Cytomine's frame (origin bottom-left, y up) to image pixel space
 * (origin top-left corner of pixel (0,0), y down): `y_img = H·scale − y_cytomine` with `H` =
 * `feature.image.height`, x unchanged. This maps the server's clipping rectangle
 * `[0,W]x[0,H]` exactly onto the image. Then ring orientation is normalised with the RFC 7946
 * right-hand rule applied to the numbers as given: exterior rings have positive shoelace area
 * (counter-clockwise if you draw the axes y-up, which looks clockwise on a y-down screen),
 * holes negative; a reversed ring keeps its first vertex. Features already in the image frame
 * pass through unchanged (idempotent). To keep raw Cytomine coordinates, do not apply it.
 *
 * Round trip: `toCytomineSpace()` after `toImageSpace()` gives back the orientation-normalised
 * input, exactly when `H − (H − y) = y` in floating point (integers, and any coordinate on a
 * dyadic grid such as 1/256 px well below 2^53); otherwise within one ulp of `H`.
 * @param options - See {@link FrameOptions}.
 * @throws InvalidGeometryError (`CYTORX_INVALID_GEOMETRY`) as the stream's error when a
 * feature's image has no positive finite height (image metadata, not the annotation, is wrong).
 * @example
 * ```ts
 * import { parseWkt, toImageSpace } from '@cytorx/core';
 * annotations$.pipe(parseWkt({ images }), toImageSpace()); // geometry now y-down pixels
 * ```
 */
export function toImageSpace(options: FrameOptions = {}): OperatorFunction<Feature, Feature> {
  const inPlace = options.inPlace ?? false;
  return map((feature: Feature) => flipFeature(feature, 'image', inPlace));
}
