import type { Coords, Geometry } from './geometry.js';

/**
 * A JTS-like `isValid()` for the emulator's server-side checks: finite ordinates, rings
 * closed with at least 4 points, no self-intersecting ring, rings of a polygon not crossing
 * each other, holes inside their shell, parts of a multipolygon not crossing nor nested.
 * Returns the reason it is invalid, or `null` when valid.
 */
export function invalidReason(g: Geometry): string | null {
  switch (g.type) {
    case 'Point':
      return g.coords.length === 2 || g.coords.length === 0 ? finite(g.coords) : 'bad point';
    case 'MultiPoint':
      for (const p of g.points) {
        const r = finite(p);
        if (r) return r;
      }
      return null;
    case 'LineString':
      return lineReason(g.coords);
    case 'MultiLineString':
      for (const l of g.lines) {
        const r = lineReason(l);
        if (r) return r;
      }
      return null;
    case 'Polygon':
      return polygonReason(g.rings);
    case 'MultiPolygon': {
      for (const p of g.polygons) {
        const r = polygonReason(p);
        if (r) return r;
      }
      const shells = g.polygons.filter((p) => p.length > 0).map((p) => p[0]!);
      for (let i = 0; i < shells.length; i++) {
        for (let j = i + 1; j < shells.length; j++) {
          // JTS: elements of a MultiPolygon may touch at any finite number of points.
          if (ringsCross(shells[i]!, shells[j]!, Number.POSITIVE_INFINITY))
            return 'Self-intersection between polygons';
          const a = g.polygons[i]!;
          const b = g.polygons[j]!;
          if (nestedIn(shells[i]!, b) || nestedIn(shells[j]!, a)) return 'Nested shells';
        }
      }
      return null;
    }
  }
}

function finite(c: Coords): string | null {
  return c.every(Number.isFinite) ? null : 'Invalid coordinate';
}

function lineReason(c: Coords): string | null {
  const f = finite(c);
  if (f) return f;
  if (c.length === 0) return null;
  for (let i = 2; i < c.length; i += 2) if (c[i] !== c[0] || c[i + 1] !== c[1]) return null;
  return 'Too few distinct points in geometry component';
}

function polygonReason(rings: Coords[]): string | null {
  if (rings.length === 0) return null;
  for (const r of rings) {
    const f = finite(r);
    if (f) return f;
    const n = r.length;
    if (n < 8) return 'Too few points in geometry component';
    if (r[0] !== r[n - 2] || r[1] !== r[n - 1]) return 'Ring is not closed';
    if (ringSelfIntersects(r)) return 'Ring Self-intersection';
  }
  for (let i = 0; i < rings.length; i++) {
    for (let j = i + 1; j < rings.length; j++) {
      if (ringsCross(rings[i]!, rings[j]!)) return 'Self-intersection';
    }
  }
  const shell = rings[0]!;
  for (let h = 1; h < rings.length; h++) {
    if (!ringInside(rings[h]!, shell)) return 'Hole lies outside shell';
  }
  return null;
}

/**
 * True when `ring` lies inside the polygon `rings` (inside its shell, outside its holes),
 * judged at the first vertex or edge midpoint of `ring` that is on none of its rings (a shell
 * may touch the other polygon's rings at points, as JTS allows).
 */
function nestedIn(ring: Coords, rings: Coords[]): boolean {
  for (let i = 0; i + 3 < ring.length; i += 2) {
    for (const [x, y] of [
      [ring[i]!, ring[i + 1]!],
      [(ring[i]! + ring[i + 2]!) / 2, (ring[i + 1]! + ring[i + 3]!) / 2],
    ] as const) {
      const sides = rings.map((r) => pointInRing(x, y, r));
      if (sides.includes(0)) continue; // on a boundary: try another point
      return sides[0]! > 0 && sides.slice(1).every((side) => side < 0);
    }
  }
  return false;
}

function ringInside(hole: Coords, shell: Coords): boolean {
  for (let i = 0; i + 3 < hole.length; i += 2) {
    const s = pointInRing(hole[i]!, hole[i + 1]!, shell);
    if (s !== 0) return s > 0;
  }
  return true;
}

/** 1 inside, -1 outside, 0 on the boundary. */
export function pointInRing(x: number, y: number, r: Coords): number {
  let inside = false;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    const xi = r[i]!;
    const yi = r[i + 1]!;
    const xj = r[j]!;
    const yj = r[j + 1]!;
    if (onSegment(x, y, xi, yi, xj, yj)) return 0;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? 1 : -1;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  return (
    orient(ax, ay, bx, by, px, py) === 0 &&
    Math.min(ax, bx) <= px &&
    px <= Math.max(ax, bx) &&
    Math.min(ay, by) <= py &&
    py <= Math.max(ay, by)
  );
}

/** 0 = disjoint, 1 = touch at one point, 2 = proper crossing or collinear overlap. */
function segmentRelation(s: number[], i: number, t: number[], j: number): number {
  const ax = s[i]!;
  const ay = s[i + 1]!;
  const bx = s[i + 2]!;
  const by = s[i + 3]!;
  const cx = t[j]!;
  const cy = t[j + 1]!;
  const dx = t[j + 2]!;
  const dy = t[j + 3]!;
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 === 0 && o2 === 0) {
    // Collinear: count shared length.
    const useX = ax !== bx;
    const a0 = useX ? Math.min(ax, bx) : Math.min(ay, by);
    const a1 = useX ? Math.max(ax, bx) : Math.max(ay, by);
    const c0 = useX ? Math.min(cx, dx) : Math.min(cy, dy);
    const c1 = useX ? Math.max(cx, dx) : Math.max(cy, dy);
    const lo = Math.max(a0, c0);
    const hi = Math.min(a1, c1);
    if (lo > hi) return 0;
    return lo === hi ? 1 : 2;
  }
  if (o1 * o2 < 0 && o3 * o4 < 0) return 2;
  if (
    (o1 === 0 && onSegment(cx, cy, ax, ay, bx, by)) ||
    (o2 === 0 && onSegment(dx, dy, ax, ay, bx, by)) ||
    (o3 === 0 && onSegment(ax, ay, cx, cy, dx, dy)) ||
    (o4 === 0 && onSegment(bx, by, cx, cy, dx, dy))
  ) {
    return 1;
  }
  return 0;
}

/** Segment start offsets of a ring, sorted by min x (a sweep keeps the checks near-linear). */
function sortedSegments(r: Coords): Int32Array {
  const n = r.length / 2 - 1;
  const idx = new Int32Array(n);
  for (let k = 0; k < n; k++) idx[k] = 2 * k;
  return idx.sort((a, b) => Math.min(r[a]!, r[a + 2]!) - Math.min(r[b]!, r[b + 2]!));
}

function ringSelfIntersects(r: Coords): boolean {
  const n = r.length / 2 - 1;
  const idx = sortedSegments(r);
  for (let p = 0; p < n; p++) {
    const i = idx[p]!;
    const maxX = Math.max(r[i]!, r[i + 2]!);
    for (let q = p + 1; q < n; q++) {
      const j = idx[q]!;
      if (Math.min(r[j]!, r[j + 2]!) > maxX) break;
      const a = i / 2;
      const b = j / 2;
      const adjacent = Math.abs(a - b) === 1 || Math.abs(a - b) === n - 1;
      const rel = segmentRelation(r, i, r, j);
      if (rel === 2 || (rel === 1 && !adjacent)) return true;
    }
  }
  return false;
}

function ringsCross(r: Coords, s: Coords, maxTouches = 4): boolean {
  const ri = sortedSegments(r);
  const si = sortedSegments(s);
  let touches = 0;
  for (let p = 0; p < ri.length; p++) {
    const i = ri[p]!;
    const minX = Math.min(r[i]!, r[i + 2]!);
    const maxX = Math.max(r[i]!, r[i + 2]!);
    for (let q = 0; q < si.length; q++) {
      const j = si[q]!;
      if (Math.min(s[j]!, s[j + 2]!) > maxX) break;
      if (Math.max(s[j]!, s[j + 2]!) < minX) continue;
      const rel = segmentRelation(r, i, s, j);
      if (rel === 2) return true;
      if (rel === 1) touches++;
    }
  }
  // A single touching point is allowed; touching along several points (counted per segment pair,
  // a shared vertex gives up to 4) may disconnect the interior, so refuse many touches.
  return touches > maxTouches;
}
