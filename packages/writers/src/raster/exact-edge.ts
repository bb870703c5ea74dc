// Exact crossings for edges whose coordinates are too large for the fast `number` path.
// Only edges with a snapped coordinate beyond ±2^25 (±131,072 px) come here, so the cost of
// BigInt arithmetic is paid by pathological inputs only.

const S = 256n;
const HALF = 128n;
const TWO_52 = 2 ** 52;

/** Snaps `v` to the 1/256 px grid exactly, as a BigInt: `floor(v * 256 + 1/2)`. */
export function snapBig(v: number): bigint {
  // |v| >= 2^52 means v is an integer, so v * 256 is too (and must not overflow to Infinity).
  if (Math.abs(v) >= TWO_52) return BigInt(v) * S;
  return BigInt(Math.round(v * 256));
}

/** floor(a / b) for b > 0 (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/**
 * Writes the clamped span boundary `x_start` of the edge (x0,y0)–(x1,y1) (original, unsnapped
 * coordinates, y0 < y1 after snapping) for each row in [rowStart, rowEnd) into `cross` at the
 * row's write pointer `ptr[row - rowBase]++`. Exact: BigInt throughout.
 */
export function exactEdgeCrossings(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  rowStart: number,
  rowEnd: number,
  width: number,
  rowBase: number,
  ptr: Int32Array,
  cross: Int32Array,
): void {
  const X0 = snapBig(x0);
  const Y0 = snapBig(y0);
  const X1 = snapBig(x1);
  const Y1 = snapBig(y1);
  const den = Y1 - Y0;
  const dX = X1 - X0;
  const D = den * S;
  // (Math.min/max do not take BigInt.)
  const lowX = X0 < X1;
  const minX = lowX ? X0 : X1;
  const maxX = lowX ? X1 : X0;
  // Crossings lie in [minX, maxX]; x_start = ceil((xi - 128) / 256).
  let constant = -1;
  if (maxX <= HALF)
    constant = 0; // every x_start <= 0
  else if (minX > BigInt(width - 1) * S + HALF) constant = width; // every x_start >= width
  // Numerator at row y: (cy - Y0)·dX + (X0 - 128)·den, cy = y·256 + 128.
  const base = (X0 - HALF) * den;
  for (let y = rowStart; y < rowEnd; y++) {
    let v = constant;
    if (v < 0) {
      const cy = BigInt(y) * S + HALF;
      const num = (cy - Y0) * dX + base;
      const q = -floorDiv(-num, D); // ceil(num / D)
      v = q <= 0n ? 0 : q >= BigInt(width) ? width : Number(q);
    }
    const i = y - rowBase;
    const p = ptr[i]!;
    ptr[i] = p + 1;
    cross[p] = v;
  }
}
