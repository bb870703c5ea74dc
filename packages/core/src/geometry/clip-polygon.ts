import type { Position } from '../pipeline/types.js';
import { ringSignedArea } from './area.js';
import type { BBox } from './bbox.js';
import { insideRing } from './ring-topology.js';

/** A piece of a ring inside the half-plane: from its entry point to its exit point on the line. */
interface Chain {
  points: Position[];
  /** Position along the line of the entry and exit points. */
  tIn: number;
  tOut: number;
  next?: Chain;
  used?: boolean;
}

const FALLBACK = Symbol('fallback');

/**
 * Clips rings (open: `[v0, ..., vn-1]`) to the half-plane `side·(p[k] − v) < 0`. Inside
 * pieces of crossing rings become chains; along the line, the crossing points pair up in
 * sorted order (even-odd) and each exit is linked to the entry of its pair. Returns FALLBACK
 * on anything degenerate: a vertex on the line, two crossings at the same place, pairs that
 * are not exit/entry.
 */
function clipHalfPlane(
  rings: Position[][],
  k: 0 | 1,
  v: number,
  side: 1 | -1,
): Position[][] | typeof FALLBACK {
  const o = k === 0 ? 1 : 0;
  const out: Position[][] = [];
  const chains: Chain[] = [];
  for (const ring of rings) {
    const n = ring.length;
    let inside = 0;
    for (const p of ring) {
      const d = side * (p[k] - v);
      if (d === 0) return FALLBACK;
      if (d < 0) inside++;
    }
    if (inside === n) {
      out.push(ring);
      continue;
    }
    if (inside === 0) continue;
    // Start at an outside vertex whose successor is inside: every chain is then contiguous.
    let start = 0;
    while (!(side * (ring[start]![k] - v) > 0 && side * (ring[(start + 1) % n]![k] - v) < 0)) start++;
    let current: Position[] | undefined;
    let tIn = 0;
    for (let s = 0; s < n; s++) {
      const a = ring[(start + s) % n]!;
      const b = ring[(start + s + 1) % n]!;
      const aIn = side * (a[k] - v) < 0;
      const bIn = side * (b[k] - v) < 0;
      if (aIn === bIn) {
        if (bIn) current!.push(b);
        continue;
      }
      const t = (v - a[k]) / (b[k] - a[k]);
      const along = a[o] + t * (b[o] - a[o]);
      const p: Position = k === 0 ? [v, along] : [along, v];
      if (bIn) {
        current = [p, b];
        tIn = along;
      } else {
        current!.push(p);
        chains.push({ points: current!, tIn, tOut: along });
        current = undefined;
      }
    }
  }
  if (chains.length === 0) return out;
  // Crossing points along the line, sorted; consecutive pairs bound the inside intervals.
  const marks: Array<{ t: number; chain: Chain; exit: boolean }> = [];
  for (const c of chains) {
    marks.push({ t: c.tIn, chain: c, exit: false }, { t: c.tOut, chain: c, exit: true });
  }
  marks.sort((a, b) => a.t - b.t);
  for (let i = 0; i + 1 < marks.length; i += 2) {
    const a = marks[i]!;
    const b = marks[i + 1]!;
    if (a.t === b.t || a.exit === b.exit) return FALLBACK;
    if (i + 2 < marks.length && marks[i + 2]!.t === b.t) return FALLBACK;
    const exit = a.exit ? a : b;
    const entry = a.exit ? b : a;
    exit.chain.next = entry.chain;
  }
  for (const c of chains) {
    if (c.used) continue;
    const ring: Position[] = [];
    let cur: Chain | undefined = c;
    while (cur && !cur.used) {
      cur.used = true;
      ring.push(...cur.points);
      cur = cur.next;
    }
    if (cur !== c) return FALLBACK;
    // Rings that touched at a vertex may now pass twice through it: leave that to polygon-clipping.
    const seen = new Set<string>();
    for (const p of ring) {
      const key = `${p[0]},${p[1]}`;
      if (seen.has(key)) return FALLBACK;
      seen.add(key);
    }
    out.push(ring);
  }
  return out;
}

/**
 * Exact clip of valid polygons to a rectangle without polygon-clipping: the four half-planes
 * in turn, each splitting rings at the line and relinking the pieces along it. Rings must be
 * oriented (exteriors positive signed area, holes negative) and must not cross. Returns the
 * clipped parts (closed rings, exteriors positive, holes negative), or `undefined` when the
 * input is degenerate for this method (a vertex exactly on a rectangle side, crossings at
 * the same point); the caller then uses polygon-clipping.
 * @internal
 */
export function clipPolygonsToRect(parts: Position[][][], rect: Readonly<BBox>): Position[][][] | undefined {
  let rings: Position[][] = [];
  for (const part of parts) {
    for (const ring of part) {
      const open =
        ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1]
          ? ring.slice(0, -1)
          : ring;
      if (open.length >= 3) rings.push(open);
    }
  }
  const planes: Array<[0 | 1, number, 1 | -1]> = [
    [0, rect[2], 1],
    [0, rect[0], -1],
    [1, rect[3], 1],
    [1, rect[1], -1],
  ];
  for (const [k, v, side] of planes) {
    const next = clipHalfPlane(rings, k, v, side);
    if (next === FALLBACK) return undefined;
    rings = next;
    if (rings.length === 0) return [];
  }
  const exteriors: Array<{ ring: Position[]; area: number; holes: Position[][] }> = [];
  const holes: Position[][] = [];
  for (const r of rings) {
    const a = ringSignedArea(r);
    if (a > 0) exteriors.push({ ring: r, area: a, holes: [] });
    else if (a < 0) holes.push(r);
  }
  exteriors.sort((x, y) => x.area - y.area);
  for (const h of holes) {
    // The smallest exterior containing the hole (rings do not touch here, so any vertex works).
    const owner = exteriors.length === 1 ? exteriors[0] : exteriors.find((e) => insideRing(h[0]!, e.ring));
    if (!owner) return undefined;
    owner.holes.push(h);
  }
  const close = (r: Position[]): Position[] => [...r, r[0]!];
  return exteriors.map((e) => [close(e.ring), ...e.holes.map(close)]);
}
