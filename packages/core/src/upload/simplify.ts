import { ringSignedArea } from '../geometry/area.js';
import type { Position } from '../pipeline/types.js';

/** Distinct vertices of a ring, without the closing vertex and without consecutive repeats. */
export function ringVertices(ring: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (last === undefined || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}

function segmentDistanceSq(p: Position, a: Position, b: Position): number {
  let x = a[0];
  let y = a[1];
  let dx = b[0] - x;
  let dy = b[1] - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((p[0] - x) * dx + (p[1] - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = b[0];
      y = b[1];
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = p[0] - x;
  dy = p[1] - y;
  return dx * dx + dy * dy;
}

/** Douglas–Peucker on an open polyline; keeps both ends. Iterative (no deep recursion). */
export function simplifyLine(points: readonly Position[], tolerance: number): Position[] {
  const n = points.length;
  if (n <= 2 || tolerance <= 0) return points.slice();
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const tolSq = tolerance * tolerance;
  const stack: number[] = [0, n - 1];
  while (stack.length > 0) {
    const last = stack.pop()!;
    const first = stack.pop()!;
    let maxSq = 0;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistanceSq(points[i]!, points[first]!, points[last]!);
      if (d > maxSq) {
        maxSq = d;
        index = i;
      }
    }
    if (index >= 0 && maxSq > tolSq) {
      keep[index] = 1;
      stack.push(first, index, index, last);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

/**
 * Douglas–Peucker on a ring (given without or with its closing vertex; returned without it).
 * The ring is split at its first vertex and the vertex farthest from it, so both halves keep
 * their ends. Returns `[]` when fewer than 3 vertices or no area would remain.
 */
export function simplifyRing(ring: readonly Position[], tolerance: number): Position[] {
  const vs = ringVertices(ring);
  if (vs.length <= 3) return vs;
  const a = vs[0]!;
  let far = 1;
  let farSq = -1;
  for (let i = 1; i < vs.length; i++) {
    const dx = vs[i]![0] - a[0];
    const dy = vs[i]![1] - a[1];
    if (dx * dx + dy * dy > farSq) {
      farSq = dx * dx + dy * dy;
      far = i;
    }
  }
  const left = simplifyLine(vs.slice(0, far + 1), tolerance);
  const right = simplifyLine([...vs.slice(far), a], tolerance);
  const out = [...left.slice(0, -1), ...right.slice(0, -1)];
  if (out.length < 3 || ringSignedArea(out) === 0) return [];
  return out;
}

/** Vertex count of polygons (distinct vertices, closing vertices not counted). */
export function countVertices(polygons: readonly (readonly (readonly Position[])[])[]): number {
  let n = 0;
  for (const polygon of polygons) for (const ring of polygon) n += ringVertices(ring).length;
  return n;
}

/**
 * Simplifies polygons with one Douglas–Peucker tolerance; holes that collapse are dropped,
 * polygons whose shell collapses are dropped. Rings come back closed.
 */
export function simplifyPolygons(
  polygons: readonly (readonly (readonly Position[])[])[],
  tolerance: number,
): Position[][][] {
  const out: Position[][][] = [];
  for (const polygon of polygons) {
    const shell = polygon[0] ? simplifyRing(polygon[0], tolerance) : [];
    if (shell.length < 3) continue;
    const rings: Position[][] = [[...shell, shell[0]!]];
    for (const hole of polygon.slice(1)) {
      const s = simplifyRing(hole, tolerance);
      if (s.length >= 3) rings.push([...s, s[0]!]);
    }
    out.push(rings);
  }
  return out;
}

/**
 * Simplifies polygons until they have at most `maxVertices` vertices, searching the smallest
 * Douglas–Peucker tolerance that reaches the cap (bisection over 40 steps). Returns the input
 * unchanged (same vertices, rings closed) when it is already under the cap, and `undefined`
 * when even the coarsest tolerance cannot reach it (e.g. more polygons than the cap allows).
 */
export function simplifyToCap(
  polygons: readonly (readonly (readonly Position[])[])[],
  maxVertices: number,
): Position[][][] | undefined {
  if (countVertices(polygons) <= maxVertices) return simplifyPolygons(polygons, 0);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0] ?? []) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  // Vertex count falls as the tolerance grows (to 0 once everything collapses): bisect for
  // the smallest tolerance under the cap.
  let lo = 0;
  let hi = Math.hypot(maxX - minX, maxY - minY);
  for (let step = 0; step < 50 && hi - lo > 1e-9 * (1 + hi); step++) {
    const mid = (lo + hi) / 2;
    if (countVertices(simplifyPolygons(polygons, mid)) <= maxVertices) hi = mid;
    else lo = mid;
  }
  const best = simplifyPolygons(polygons, hi);
  if (best.length === 0) return undefined;
  return best;
}
