import type { Position } from '../pipeline/types.js';
import { insideRing } from './ring-topology.js';

/** Relative margin below which a cross product is not trusted (rounding is ~1e-15 relative). */
const MARGIN = 1e-9;

/**
 * A cheap sufficient test of simplicity for a closed ring (first position = last): true when
 * the ring is strictly star-shaped around the mean of its vertices, i.e. seen from that point
 * every vertex turns the same way by a clear margin and the vertices go round exactly once.
 * Each edge then lies in its own angular sector, so no two edges meet but adjacent ones at
 * their shared vertex: the ring is simple, without repeated points or spikes. False means
 * "not proven" (the full self-intersection search decides), never "not simple". Linear, no
 * allocation: almost every drawn outline (nuclei, cells, glands) passes.
 * @internal
 */
export function isStarSimple(ring: readonly Position[]): boolean {
  const n = ring.length - 1;
  if (n < 3) return false;
  const first = ring[0]!;
  const last = ring[n]!;
  if (first[0] !== last[0] || first[1] !== last[1]) return false;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += ring[i]![0];
    cy += ring[i]![1];
  }
  cx /= n;
  cy /= n;
  let sign = 0;
  let turn = 0;
  let ax = ring[n - 1]![0] - cx;
  let ay = ring[n - 1]![1] - cy;
  for (let i = 0; i < n; i++) {
    const bx = ring[i]![0] - cx;
    const by = ring[i]![1] - cy;
    const cross = ax * by - ay * bx;
    const margin = MARGIN * (Math.abs(ax) + Math.abs(ay)) * (Math.abs(bx) + Math.abs(by));
    const s = cross > margin ? 1 : cross < -margin ? -1 : 0;
    if (s === 0 || (sign !== 0 && s !== sign)) return false;
    sign = s;
    turn += Math.atan2(cross, ax * bx + ay * by);
    ax = bx;
    ay = by;
  }
  // Every step turns by less than pi, so the total is 2*pi*k with k >= 1: k must be 1.
  return Math.abs(Math.abs(turn) - 2 * Math.PI) < 1;
}

/**
 * A cheap sufficient test of validity for one polygon (closed rings: an exterior, then holes):
 * every ring {@link isStarSimple}, no two rings' edges meet (by a clear margin), every hole
 * strictly inside the exterior and outside the other holes. False means "not proven" (the
 * full search decides). Quadratic in the vertices of the rings, with a bounding-box test
 * first: meant for drawn outlines with a few small holes.
 * @internal
 */
export function isSimplePolygon(rings: readonly (readonly Position[])[]): boolean {
  if (rings.length === 0) return false;
  for (const r of rings) if (!isStarSimple(r)) return false;
  if (rings.length === 1) return true;
  if (rings.length > 8) return false;
  const boxes = rings.map(box);
  for (let a = 0; a < rings.length; a++) {
    for (let b = a + 1; b < rings.length; b++) {
      if (!disjointBoxes(boxes[a]!, boxes[b]!) && ringsMeet(rings[a]!, rings[b]!)) return false;
    }
  }
  const shell = rings[0]!;
  for (let h = 1; h < rings.length; h++) {
    if (!insideRing(rings[h]![0]!, shell)) return false;
    for (let k = 1; k < rings.length; k++) if (k !== h && insideRing(rings[h]![0]!, rings[k]!)) return false;
  }
  return true;
}

type Box = [number, number, number, number];

function box(ring: readonly Position[]): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of ring) {
    if (p[0] < b[0]) b[0] = p[0];
    if (p[1] < b[1]) b[1] = p[1];
    if (p[0] > b[2]) b[2] = p[0];
    if (p[1] > b[3]) b[3] = p[1];
  }
  return b;
}

const disjointBoxes = (a: Box, b: Box): boolean => a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1];

/** True when some edge of `a` meets some edge of `b`, or an orientation is too close to call. */
function ringsMeet(a: readonly Position[], b: readonly Position[]): boolean {
  for (let i = 0; i + 1 < a.length; i++) {
    const p = a[i]!;
    const q = a[i + 1]!;
    for (let j = 0; j + 1 < b.length; j++) {
      const r = b[j]!;
      const s = b[j + 1]!;
      if (Math.max(p[0], q[0]) < Math.min(r[0], s[0]) || Math.max(r[0], s[0]) < Math.min(p[0], q[0]))
        continue;
      if (Math.max(p[1], q[1]) < Math.min(r[1], s[1]) || Math.max(r[1], s[1]) < Math.min(p[1], q[1]))
        continue;
      const o1 = side(p, q, r);
      const o2 = side(p, q, s);
      const o3 = side(r, s, p);
      const o4 = side(r, s, q);
      if (o1 === 0 || o2 === 0 || o3 === 0 || o4 === 0) return true;
      if (o1 !== o2 && o3 !== o4) return true;
    }
  }
  return false;
}

/** The side of c relative to the line a→b: 1, -1, or 0 when too close to call. */
function side(a: Position, b: Position, c: Position): number {
  const ux = b[0] - a[0];
  const uy = b[1] - a[1];
  const vx = c[0] - a[0];
  const vy = c[1] - a[1];
  const cross = ux * vy - uy * vx;
  const margin = MARGIN * (Math.abs(ux) + Math.abs(uy)) * (Math.abs(vx) + Math.abs(vy));
  return cross > margin ? 1 : cross < -margin ? -1 : 0;
}
