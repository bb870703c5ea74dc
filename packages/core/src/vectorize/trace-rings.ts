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
  const first = new Map<number, number>();
  const second = new Map<number, number>();
  let n = 0;
  for (let e = head; e !== -1 && n < count; e = next[e]!) {
    ids[n++] = e;
    const key = y0[e]! * stride + x0[e]!;
    if (first.has(key)) second.set(key, e);
    else first.set(key, e);
  }
  const used = new Set<number>();
  const ring = new Int32Array(count);
  let shell: Position[] | undefined;
  const holes: Position[][] = [];
  for (let k = 0; k < n; k++) {
    const start = ids[k]!;
    if (used.has(start)) continue;
    // Walk the ring of `start`, collecting its edges.
    let len = 0;
    let e = start;
    do {
      used.add(e);
      ring[len++] = e;
      const key = y1[e]! * stride + x1[e]!;
      const a = first.get(key)!;
      const b = second.get(key);
      if (b === undefined) {
        e = a;
      } else {
        // A corner the component touches twice: turn left, i.e. to (dy, -dx) in y-down axes.
        const dx = Math.sign(x1[e]! - x0[e]!);
        const dy = Math.sign(y1[e]! - y0[e]!);
        e = Math.sign(x1[a]! - x0[a]!) === dy && Math.sign(y1[a]! - y0[a]!) === -dx ? a : b;
      }
    } while (e !== start);
    const positions = corners(pool, ring, len, t);
    if (area(positions) > 0 && shell === undefined) shell = positions;
    else holes.push(positions);
  }
  return shell === undefined ? holes : [shell, ...holes];
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
