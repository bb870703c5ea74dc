import type { Position } from '../pipeline/types.js';

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
