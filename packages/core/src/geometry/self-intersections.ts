import type { Position } from '../pipeline/types.js';

/** Where the segments of a set of rings meet, as found by {@link findRingContacts}. */
export interface RingContacts {
  /** True when two non-adjacent edges touch or cross, or adjacent edges overlap (a spike). */
  found: boolean;
  /**
   * True when some contact is certainly a crossing: edges crossing at interior points, or
   * collinear edges overlapping along a positive length. Touches at a single point (a vertex
   * on a vertex or on an edge) set only `found`; they may still cross (see the repair).
   */
  crossing: boolean;
  /**
   * Points to insert inside edges so every contact becomes a shared vertex:
   * `inserts[r][i]` lists `[t, point]` for edge `i` (vertex i to i+1) of ring `r`, 0 < t < 1
   * (sparse: undefined for edges without inserts).
   */
  inserts: Array<Array<Array<[number, Position]> | undefined>>;
}

interface Edge {
  ring: number;
  index: number;
  a: Position;
  b: Position;
}

const orient = (a: Position, b: Position, c: Position): number =>
  (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

/** Parameter of point p (known to be on the line ab) along a→b. */
function paramOf(a: Position, b: Position, p: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  return Math.abs(dx) >= Math.abs(dy) ? (p[0] - a[0]) / dx : (p[1] - a[1]) / dy;
}

const within = (a: Position, b: Position, p: Position): boolean =>
  Math.min(a[0], b[0]) <= p[0] &&
  p[0] <= Math.max(a[0], b[0]) &&
  Math.min(a[1], b[1]) <= p[1] &&
  p[1] <= Math.max(a[1], b[1]);

/**
 * Indices of `keys` in ascending key order: a counting sort into `n` buckets over
 * `[min, max]`, then an insertion sort, which is linear on the nearly sorted result (the
 * usual case for the edges of an outline).
 */
function sweepOrder(keys: Float64Array, min: number, max: number): Uint32Array {
  const n = keys.length;
  const scale = max > min ? (n - 1) / (max - min) : 0;
  const counts = new Uint32Array(n + 1);
  const bucket = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const b = Math.min(n - 1, Math.max(0, Math.floor((keys[k]! - min) * scale)));
    bucket[k] = b;
    counts[b + 1]!++;
  }
  for (let b = 0; b < n; b++) counts[b + 1]! += counts[b]!;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[counts[bucket[k]!]!++] = k;
  for (let i = 1; i < n; i++) {
    const k = order[i]!;
    const key = keys[k]!;
    let j = i - 1;
    while (j >= 0 && keys[order[j]!]! > key) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = k;
  }
  return order;
}

/**
 * Finds every contact between edges of open rings (each ring is `[v0, ..., vn-1]`, the edge
 * vn-1→v0 included; consecutive vertices distinct). A sweep along the wider axis keeps the
 * cost near O(n log n) for ordinary outlines. Orientation tests use plain floating point.
 * @internal
 */
export function findRingContacts(rings: ReadonlyArray<ReadonlyArray<Position>>): RingContacts {
  const inserts = rings.map((): Array<Array<[number, Position]> | undefined> => []);
  const push = (ring: number, index: number, t: number, p: Position): void => {
    const edges = inserts[ring]!;
    const list = edges[index];
    if (list) list.push([t, p]);
    else edges[index] = [[t, p]];
  };
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const r of rings) {
    for (const p of r) {
      minX = Math.min(minX, p[0]);
      maxX = Math.max(maxX, p[0]);
      minY = Math.min(minY, p[1]);
      maxY = Math.max(maxY, p[1]);
    }
  }
  const axis: 0 | 1 = maxX - minX >= maxY - minY ? 0 : 1;
  // Edges in sweep order (by their low end on the wider axis), as typed arrays for the hot
  // loop: sweep bounds, other-axis bounds and coordinates.
  const other: 0 | 1 = axis === 0 ? 1 : 0;
  let m = 0;
  for (const r of rings) m += r.length;
  const ringOfRaw = new Uint32Array(m);
  const indexOfRaw = new Uint32Array(m);
  const loRaw = new Float64Array(m);
  let e = 0;
  rings.forEach((r, ring) => {
    for (let index = 0; index < r.length; index++) {
      const a = r[index]!;
      const b = r[(index + 1) % r.length]!;
      ringOfRaw[e] = ring;
      indexOfRaw[e] = index;
      loRaw[e++] = Math.min(a[axis], b[axis]);
    }
  });
  const order = sweepOrder(loRaw, axis === 0 ? minX : minY, axis === 0 ? maxX : maxY);
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);
  const olo = new Float64Array(m);
  const ohi = new Float64Array(m);
  const xy = new Float64Array(4 * m);
  for (let i = 0; i < m; i++) {
    const k = order[i]!;
    const r = rings[ringOfRaw[k]!]!;
    const a = r[indexOfRaw[k]!]!;
    const b = r[(indexOfRaw[k]! + 1) % r.length]!;
    lo[i] = loRaw[k]!;
    hi[i] = Math.max(a[axis], b[axis]);
    olo[i] = Math.min(a[other], b[other]);
    ohi[i] = Math.max(a[other], b[other]);
    xy[4 * i] = a[0];
    xy[4 * i + 1] = a[1];
    xy[4 * i + 2] = b[0];
    xy[4 * i + 3] = b[1];
  }
  /** The edge object, built only for the rare candidate pairs. */
  const edgeAt = (i: number): Edge => {
    const k = order[i]!;
    const ring = ringOfRaw[k]!;
    const index = indexOfRaw[k]!;
    const r = rings[ring]!;
    return { ring, index, a: r[index]!, b: r[(index + 1) % r.length]! };
  };

  let found = false;
  let crossing = false;
  const add = (e: Edge, p: Position): void => {
    const t = paramOf(e.a, e.b, p);
    if (t > 0 && t < 1) push(e.ring, e.index, t, p);
  };
  /** Full classification of a candidate pair (rare: only pairs that may meet). */
  const contact = (s: Edge, u: Edge): void => {
    const n = rings[s.ring]!.length;
    const sameRing = s.ring === u.ring;
    // Adjacent edges share one vertex (the same Position object).
    const sThenU = sameRing && (s.index + 1) % n === u.index;
    const uThenS = sameRing && (u.index + 1) % n === s.index;
    const d1 = orient(u.a, u.b, s.a);
    const d2 = orient(u.a, u.b, s.b);
    const d3 = orient(s.a, s.b, u.a);
    const d4 = orient(s.a, s.b, u.b);
    if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0) {
      // Collinear: contacts are the endpoints lying on the other edge; overlap along a
      // positive length is a crossing (spike or shared edge), a single common point a touch.
      const ta = paramOf(s.a, s.b, u.a);
      const tb = paramOf(s.a, s.b, u.b);
      if (Math.max(0, Math.min(ta, tb)) < Math.min(1, Math.max(ta, tb))) crossing = true;
      const contacts: Array<[Edge, Position]> = [];
      if (within(u.a, u.b, s.a)) contacts.push([u, s.a]);
      if (within(u.a, u.b, s.b)) contacts.push([u, s.b]);
      if (within(s.a, s.b, u.a)) contacts.push([s, u.a]);
      if (within(s.a, s.b, u.b)) contacts.push([s, u.b]);
      const onlyShared =
        contacts.length === 2 &&
        ((sThenU && s.b === u.a && contacts.every(([, p]) => p === s.b || p === u.a)) ||
          (uThenS && u.b === s.a && contacts.every(([, p]) => p === u.b || p === s.a)));
      if (contacts.length > 0 && !onlyShared) {
        found = true;
        for (const [e, p] of contacts) add(e, p);
      }
      return;
    }
    if ((d1 > 0 ? d2 < 0 : d1 < 0 && d2 > 0) && (d3 > 0 ? d4 < 0 : d3 < 0 && d4 > 0)) {
      const t = d1 / (d1 - d2);
      const p: Position = [s.a[0] + t * (s.b[0] - s.a[0]), s.a[1] + t * (s.b[1] - s.a[1])];
      found = true;
      crossing = true;
      if (t > 0 && t < 1) push(s.ring, s.index, t, p);
      add(u, p);
      return;
    }
    const touches: Array<[Edge, Position]> = [];
    if (d1 === 0 && within(u.a, u.b, s.a) && !(uThenS && s.a === u.b)) touches.push([u, s.a]);
    if (d2 === 0 && within(u.a, u.b, s.b) && !(sThenU && s.b === u.a)) touches.push([u, s.b]);
    if (d3 === 0 && within(s.a, s.b, u.a) && !(sThenU && u.a === s.b)) touches.push([s, u.a]);
    if (d4 === 0 && within(s.a, s.b, u.b) && !(uThenS && u.b === s.a)) touches.push([s, u.b]);
    if (touches.length > 0) {
      found = true;
      for (const [e, p] of touches) add(e, p);
    }
  };
  for (let i = 0; i < m; i++) {
    const sHi = hi[i]!;
    const sOlo = olo[i]!;
    const sOhi = ohi[i]!;
    const ax = xy[4 * i]!;
    const ay = xy[4 * i + 1]!;
    const bx = xy[4 * i + 2]!;
    const by = xy[4 * i + 3]!;
    for (let j = i + 1; j < m && lo[j]! <= sHi; j++) {
      if (ohi[j]! < sOlo || olo[j]! > sOhi) continue;
      const cx = xy[4 * j]!;
      const cy = xy[4 * j + 1]!;
      const dx = xy[4 * j + 2]!;
      const dy = xy[4 * j + 3]!;
      // Both endpoints of one edge strictly on the same side of the other: no contact.
      const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
      const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
      if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) continue;
      const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
      const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
      if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) continue;
      // Adjacent edges of a ring meet at their shared vertex; unless collinear (a possible
      // spike), that is their only contact. This is the common case: skip it cheaply.
      const ki = order[i]!;
      const kj = order[j]!;
      if (ringOfRaw[ki] === ringOfRaw[kj] && !(d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0)) {
        const n = rings[ringOfRaw[ki]!]!.length;
        const a = indexOfRaw[ki]!;
        const b = indexOfRaw[kj]!;
        if ((a + 1) % n === b || (b + 1) % n === a) continue;
      }
      contact(edgeAt(i), edgeAt(j));
    }
  }
  return { found, crossing, inserts };
}
