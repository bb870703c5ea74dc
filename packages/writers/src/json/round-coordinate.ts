/** Decimals coordinates are written with by default: 1e-9 px. */
export const COORDINATE_DECIMALS = 9;

/**
 * A coordinate as written to GeoJSON and COCO files: `v` rounded to `decimals` places
 * (default 9, i.e. 1e-9 px), as the double nearest to that decimal. The y flip `H - y` gives
 * values like `897.6700000000001` for `897.67`; rounding removes that noise, so files hold the
 * shortest decimal that is correct to 1e-9 px. A value already on the grid (a decimal with at
 * most `decimals` places, e.g. any coordinate Cytomine stores) comes back unchanged, so
 * flipping a written coordinate back (`H - y`) and rounding again gives the original exactly.
 * Values too large for the grid (`|v|·10^decimals >= 2^52`, e.g. 4.5 million px at 9
 * decimals, where a double has no finer digits left to drop) and non-finite values are
 * returned as they are. `-0` becomes `0`.
 * @internal
 */
export function roundCoordinate(v: number, decimals = COORDINATE_DECIMALS): number {
  const f = 10 ** decimals;
  if (!(Math.abs(v) * f < 2 ** 52)) return v;
  return Math.round(v * f) / f + 0;
}
