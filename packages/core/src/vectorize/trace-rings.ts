import type { Position } from '../pipeline/types.js';
import type { EdgePool } from './edge-pool.js';

/** Where mask pixel corners go: `(x·scale + dx, y·scale + dy)`. @internal */
export interface CornerTransform {
  scale: number;
  dx: number;
  dy: number;
}

/**
 * Links the boundary edges of ONE 4-connected component (its list in `pool`, `count` edges)
 * into closed rings, drops collinear vertices, and returns the polygon: the shell (the only
 * ring of positive signed area in y-down coordinates) first, then the holes. Rings are closed
 * (last vertex = first).
 *
 * Where the component touches itself at a pixel corner (two of its pixels diagonal, the
 * other two not), each arriving edge turns left, towards the pixel that is not in the
 * component: every ring is then the boundary of one connected piece of the component's
 * complement, which never passes a corner twice. So every ring is simple, holes touch the
 * shell or each other only at single corners, and the interior (the 4-connected pixels) is
 * connected: valid by OGC rules. @internal
 */
export function traceRings(
  pool: EdgePool,
  head: number,
  count: number,
  width: number,
  t: CornerTransform,
): Position[][] {
  const { x0, y0, x1, y1, next } = pool;
  const stride = width + 1;
  const ids = new Int32Array(count);
  // Open-addressing table: start vertex key -> local edge index (a corner the component
  // touches twice holds two entries with one key).
  let bits = 4;
  while (1 << bits < 2 * count) bits++;
  const size = 1 << bits;
  const mask = size - 1;
  const shift = 32 - bits;
  const keys = new Float64Array(size).fill(-1);
  const slots = new Int32Array(size);
  let n = 0;
  for (let e = head; e !== -1 && n < count; e = next[e]!) {
    ids[n] = e;
    const key = y0[e]! * stride + x0[e]!;
    let h = hash(key) >>> shift;
    while (keys[h] !== -1) h = (h + 1) & mask;
    keys[h] = key;
    slots[h] = n;
    n++;
  }
  const used = new Uint8Array(n);
  const ring = new Int32Array(n);
  let shell: Position[] | undefined;
  const holes: Position[][] = [];
  for (let k = 0; k < n; k++) {
    if (used[k]) continue;
    // Walk the ring of edge k, collecting its edges.
    let len = 0;
    let i = k;
    do {
      used[i] = 1;
      const e = ids[i]!;
      ring[len++] = e;
      const key = y1[e]! * stride + x1[e]!;
      let h = hash(key) >>> shift;
      while (keys[h] !== key) h = (h + 1) & mask;
      const a = slots[h]!;
      do h = (h + 1) & mask;
      while (keys[h] !== key && keys[h] !== -1);
      if (keys[h] === -1) {
        i = a;
      } else {
        // A corner the component touches twice: turn left, i.e. to (dy, -dx) in y-down axes.
        const b = slots[h]!;
        const dx = Math.sign(x1[e]! - x0[e]!);
        const dy = Math.sign(y1[e]! - y0[e]!);
        const ea = ids[a]!;
        i = Math.sign(x1[ea]! - x0[ea]!) === dy && Math.sign(y1[ea]! - y0[ea]!) === -dx ? a : b;
      }
    } while (i !== k);
    const positions = corners(pool, ring, len, t);
    if (area(positions) > 0 && shell === undefined) shell = positions;
    else holes.push(positions);
  }
  return shell === undefined ? holes : [shell, ...holes];
}

/** A multiplicative (Fibonacci) hash of a vertex key below 2^53: use its top bits. */
function hash(key: number): number {
  const lo = key % 4294967296;
  const hi = (key - lo) / 4294967296;
  return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> 0;
}

/** The ring's vertices where its direction changes, closed, transformed. */
function corners(pool: EdgePool, ring: Int32Array, len: number, t: CornerTransform): Position[] {
  const { x0, y0, x1, y1 } = pool;
  const out: Position[] = [];
  const dir = (e: number): number => (x1[e]! > x0[e]! ? 0 : x1[e]! < x0[e]! ? 1 : y1[e]! > y0[e]! ? 2 : 3);
  let previous = dir(ring[len - 1]!);
  for (let i = 0; i < len; i++) {
    const e = ring[i]!;
    const d = dir(e);
    if (d !== previous) out.push([x0[e]! * t.scale + t.dx, y0[e]! * t.scale + t.dy]);
    previous = d;
  }
  out.push([out[0]![0], out[0]![1]]);
  return out;
}

/** Twice the signed area (shoelace) of a closed ring. */
function area(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s;
}
