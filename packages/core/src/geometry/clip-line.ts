import type { Position } from '../pipeline/types.js';
import type { BBox } from './bbox.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Liang–Barsky: the parameter interval `[t0, t1]` of segment p→q inside `rect`, or
 * `undefined` when the segment misses it.
 */
function clipSegment(
  p: Readonly<Position>,
  q: Readonly<Position>,
  rect: Readonly<BBox>,
): [number, number] | undefined {
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  let t0 = 0;
  let t1 = 1;
  const edges: Array<[number, number]> = [
    [-dx, p[0] - rect[0]],
    [dx, rect[2] - p[0]],
    [-dy, p[1] - rect[1]],
    [dy, rect[3] - p[1]],
  ];
  for (const [den, num] of edges) {
    if (den === 0) {
      if (num < 0) return undefined;
    } else {
      const t = num / den;
      if (den < 0) {
        if (t > t1) return undefined;
        if (t > t0) t0 = t;
      } else {
        if (t < t0) return undefined;
        if (t < t1) t1 = t;
      }
    }
  }
  return [t0, t1];
}

function at(p: Readonly<Position>, q: Readonly<Position>, t: number, rect: Readonly<BBox>): Position {
  if (t === 0) return [p[0], p[1]];
  if (t === 1) return [q[0], q[1]];
  // Clamp: the interpolated point is on the rectangle's boundary up to rounding.
  return [
    clamp(p[0] + t * (q[0] - p[0]), rect[0], rect[2]),
    clamp(p[1] + t * (q[1] - p[1]), rect[1], rect[3]),
  ];
}

const samePoint = (a: Readonly<Position>, b: Readonly<Position>): boolean => a[0] === b[0] && a[1] === b[1];

/**
 * Clips a polyline to a rectangle (boundary included) with the Liang–Barsky algorithm. Returns
 * the pieces inside, in order, each with at least two distinct positions; pieces that reduce
 * to a single point (a line touching a corner) are dropped. Vertices inside the rectangle are
 * kept exactly; new vertices lie on its boundary.
 * @param line - The polyline's positions.
 * @param rect - `[minX, minY, maxX, maxY]`.
 * @example
 * ```ts
 * import { clipLineToRect } from '@cytorx/core';
 * clipLineToRect([[-5, 5], [15, 5]], [0, 0, 10, 10]); // [[[0, 5], [10, 5]]]
 * ```
 */
export function clipLineToRect(line: ReadonlyArray<Readonly<Position>>, rect: Readonly<BBox>): Position[][] {
  const pieces: Position[][] = [];
  let current: Position[] | undefined;
  const flush = (): void => {
    const piece = current;
    if (piece?.some((p) => !samePoint(p, piece[0]!))) pieces.push(piece);
    current = undefined;
  };
  for (let i = 1; i < line.length; i++) {
    const p = line[i - 1]!;
    const q = line[i]!;
    const span = clipSegment(p, q, rect);
    if (!span) {
      flush();
      continue;
    }
    const a = at(p, q, span[0], rect);
    const b = at(p, q, span[1], rect);
    if (current && span[0] === 0) {
      current.push(b);
    } else {
      flush();
      current = [a, b];
    }
    if (span[1] !== 1) flush();
  }
  flush();
  return pieces;
}
