import type { Position } from '../pipeline/types.js';

/** A polygon as GeoJSON coordinates: shell first, then holes; rings closed or not. */
export type PolygonCoords = readonly (readonly Position[])[];

interface Segment {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  minX: number;
  maxX: number;
  /** ring index (across every polygon checked together) */
  ring: number;
  /** position of the segment in its ring */
  index: number;
  /** number of segments in its ring */
  ringSize: number;
}

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

/** Signed area of a ring (shoelace), positive when counter-clockwise in a y-up frame. */
export function ringArea(ring: readonly Position[]): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % n]!;
    s += p[0] * q[1] - q[0] * p[1];
  }
  return s / 2;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** True when the two segments share any point. */
function intersects(s: Segment, t: Segment): boolean {
  const o1 = orient(s.ax, s.ay, s.bx, s.by, t.ax, t.ay);
  const o2 = orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  const o3 = orient(t.ax, t.ay, t.bx, t.by, s.ax, s.ay);
  const o4 = orient(t.ax, t.ay, t.bx, t.by, s.bx, s.by);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(s.ax, s.ay, s.bx, s.by, t.ax, t.ay)) return true;
  if (o2 === 0 && onSegment(s.ax, s.ay, s.bx, s.by, t.bx, t.by)) return true;
  if (o3 === 0 && onSegment(t.ax, t.ay, t.bx, t.by, s.ax, s.ay)) return true;
  if (o4 === 0 && onSegment(t.ax, t.ay, t.bx, t.by, s.bx, s.by)) return true;
  return false;
}

/** Consecutive segments of one ring share exactly their common vertex; anything more is a fault. */
function adjacentOverlap(s: Segment, t: Segment): boolean {
  // s.b === t.a (shared vertex). They overlap beyond it only when collinear and folding back.
  const o = orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  if (o !== 0) return false;
  const dx1 = s.bx - s.ax;
  const dy1 = s.by - s.ay;
  const dx2 = t.bx - t.ax;
  const dy2 = t.by - t.ay;
  return dx1 * dx2 + dy1 * dy2 < 0;
}

function segmentsOf(rings: readonly (readonly Position[])[]): Segment[] {
  const segs: Segment[] = [];
  rings.forEach((ring, r) => {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % n]!;
      segs.push({
        ax: a[0],
        ay: a[1],
        bx: b[0],
        by: b[1],
        minX: Math.min(a[0], b[0]),
        maxX: Math.max(a[0], b[0]),
        ring: r,
        index: i,
        ringSize: n,
      });
    }
  });
  return segs;
}

/**
 * Finds a pair of segments that touch or cross where they should not (a self-intersection
 * inside a ring, or two rings touching/crossing). Sweep over x: cost grows with the number of
 * segments plus the pairs whose x-ranges overlap.
 */
function hasIntersection(rings: readonly (readonly Position[])[]): boolean {
  const segs = segmentsOf(rings).sort((a, b) => a.minX - b.minX);
  const active: Segment[] = [];
  for (const s of segs) {
    let w = 0;
    for (let k = 0; k < active.length; k++) {
      const t = active[k]!;
      if (t.maxX < s.minX) continue;
      active[w++] = t;
      if (t.ring === s.ring) {
        const d = Math.abs(t.index - s.index);
        if (d === 1 || d === s.ringSize - 1) {
          const [first, second] = (t.index + 1) % t.ringSize === s.index ? [t, s] : ([s, t] as const);
          if (s.ringSize === 2 || adjacentOverlap(first, second)) return true;
          continue;
        }
      }
      if (intersects(s, t)) return true;
    }
    active.length = w;
    active.push(s);
  }
  return false;
}

/** Even-odd point in ring test. */
export function pointInRing(p: Position, ring: readonly Position[]): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * Why a polygon or multipolygon is not valid in the OGC sense (what JTS `isValid()` checks,
 * conservatively: rings touching at a single point are also reported), or `undefined` when
 * it is valid. Checks: finite coordinates, rings of at least 3 distinct vertices with a
 * non-zero area, no ring touching or crossing itself or another ring, holes inside their
 * shell, polygons of a multipolygon not nested.
 * @param polygons - The polygons (one for a Polygon).
 */
export function polygonIssue(polygons: readonly PolygonCoords[]): string | undefined {
  const all: Position[][] = [];
  const parts: Position[][][] = [];
  for (const polygon of polygons) {
    if (polygon.length === 0) return 'empty polygon';
    const rings = polygon.map(ringVertices);
    for (const ring of rings) {
      for (const p of ring) {
        if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return 'non-finite coordinate';
      }
      if (ring.length < 3) return 'ring with fewer than 3 distinct vertices';
    }
    const shell = rings[0]!;
    for (const hole of rings.slice(1)) {
      if (!pointInRing(hole[0]!, shell)) return 'hole outside its shell';
    }
    for (const hole of rings.slice(1)) {
      for (const other of rings.slice(1)) {
        if (other !== hole && pointInRing(hole[0]!, other)) return 'nested holes';
      }
    }
    parts.push(rings);
    all.push(...rings);
  }
  for (const part of parts) {
    const p = part[0]![0]!;
    for (const other of parts) {
      if (other === part || !pointInRing(p, other[0]!)) continue;
      if (!other.slice(1).some((hole) => pointInRing(p, hole))) return 'overlapping polygons';
    }
  }
  if (hasIntersection(all)) return 'self-intersection';
  if (all.some((ring) => ringArea(ring) === 0)) return 'ring with zero area';
  return undefined;
}
