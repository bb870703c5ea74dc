import type { Position } from '../pipeline/types.js';

// Topology checks of the repair: ring nesting and whether rings that meet at points cross.
// All @internal.

/** Even-odd point-in-ring test (ray to +x). */
export function insideRing(p: Position, ring: ReadonlyArray<Position>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * With no crossing between rings, the structure is valid iff every exterior is nested at an
 * even depth and every hole lies inside its own exterior exactly one level deeper. Depth is
 * tested at the midpoint of each ring's first edge, which lies on no other ring (all contacts
 * are vertices of the rings given, and collinear overlaps are crossings).
 */
export function nestingIsValid(parts: Position[][][]): boolean {
  const all = parts.flat();
  const probe = (ring: Position[]): Position => [
    (ring[0]![0] + ring[1]![0]) / 2,
    (ring[0]![1] + ring[1]![1]) / 2,
  ];
  const depth = (ring: Position[]): number => {
    const p = probe(ring);
    let d = 0;
    for (const other of all) if (other !== ring && insideRing(p, other)) d++;
    return d;
  };
  for (const part of parts) {
    const exterior = part[0]!;
    const de = depth(exterior);
    if (de % 2 !== 0) return false;
    for (const hole of part.slice(1)) {
      if (depth(hole) !== de + 1 || !insideRing(probe(hole), exterior)) return false;
    }
  }
  return true;
}

const angle = (from: Position, to: Position): number => Math.atan2(to[1] - from[1], to[0] - from[0]);
const TAU = 2 * Math.PI;
const ccw = (a: number, b: number): number => (((b - a) % TAU) + TAU) % TAU;

/**
 * Whether rings that meet at single points cross there. `rings` already contain every contact
 * point as a vertex. A ring passing twice through one point counts as crossing (it must be
 * split into loops); two rings meeting at V cross iff exactly one of B's two edges at V lies
 * strictly inside the angle A's two edges make.
 */
export function touchesCross(rings: Position[][]): boolean {
  const at = new Map<string, Array<[number, number]>>();
  rings.forEach((r, ri) => {
    r.forEach((p, i) => {
      const key = `${p[0]},${p[1]}`;
      const list = at.get(key);
      if (list) list.push([ri, i]);
      else at.set(key, [[ri, i]]);
    });
  });
  const arms = ([ri, i]: [number, number]): [number, number] => {
    const r = rings[ri]!;
    const v = r[i]!;
    return [angle(v, r[(i + 1) % r.length]!), angle(v, r[(i - 1 + r.length) % r.length]!)];
  };
  for (const list of at.values()) {
    if (list.length < 2) continue;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        if (list[a]![0] === list[b]![0]) return true;
        const [aNext, aPrev] = arms(list[a]!);
        const [bNext, bPrev] = arms(list[b]!);
        const span = ccw(aNext, aPrev);
        const inside = (d: number): boolean => {
          const x = ccw(aNext, d);
          return x > 0 && x < span;
        };
        if (inside(bNext) !== inside(bPrev)) return true;
      }
    }
  }
  return false;
}
