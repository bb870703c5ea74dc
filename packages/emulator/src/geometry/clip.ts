import type { Coords, Geometry } from './geometry.js';

/**
 * Clips a geometry to the rectangle `[0, width] x [0, height]` (Cytomine clips new
 * annotations to `POLYGON((0 0,0 H,W H,W 0,0 0))`). Polygon rings are clipped with
 * Sutherland–Hodgman, each part of a multipolygon on its own; lines with Liang–Barsky;
 * points outside are dropped. The result may be empty.
 */
export function clipToRect(g: Geometry, width: number, height: number): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coords: inside(g.coords, width, height) ? g.coords : [] };
    case 'MultiPoint': {
      const points = g.points.filter((p) => inside(p, width, height));
      return points.length === 1 ? { type: 'Point', coords: points[0]! } : { type: 'MultiPoint', points };
    }
    case 'LineString':
    case 'MultiLineString': {
      const lines = (g.type === 'LineString' ? [g.coords] : g.lines).flatMap((l) =>
        clipLine(l, width, height),
      );
      if (lines.length === 1) return { type: 'LineString', coords: lines[0]! };
      return lines.length === 0 ? { type: 'LineString', coords: [] } : { type: 'MultiLineString', lines };
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polygons: Coords[][] = [];
      for (const rings of g.type === 'Polygon' ? [g.rings] : g.polygons) {
        const shell = rings[0] ? clipRing(rings[0], width, height) : null;
        if (!shell) continue;
        const out = [shell];
        for (let h = 1; h < rings.length; h++) {
          const hole = clipRing(rings[h]!, width, height);
          if (hole) out.push(hole);
        }
        polygons.push(out);
      }
      if (polygons.length === 1) return { type: 'Polygon', rings: polygons[0]! };
      return polygons.length === 0 ? { type: 'Polygon', rings: [] } : { type: 'MultiPolygon', polygons };
    }
  }
}

function inside(p: Coords, w: number, h: number): boolean {
  return p.length >= 2 && p[0]! >= 0 && p[0]! <= w && p[1]! >= 0 && p[1]! <= h;
}

type Edge = (x: number, y: number) => number; // signed "inside" distance

function clipRing(ring: Coords, w: number, h: number): Coords | null {
  const edges: [Edge, 'x' | 'y', number][] = [
    [(x) => x, 'x', 0],
    [(x) => w - x, 'x', w],
    [(_x, y) => y, 'y', 0],
    [(_x, y) => h - y, 'y', h],
  ];
  // Work on the open ring.
  let pts: number[] = ring.slice(0, ring.length - 2);
  for (const [dist, axis, value] of edges) {
    if (pts.length === 0) break;
    const out: number[] = [];
    const n = pts.length / 2;
    for (let i = 0; i < n; i++) {
      const ax = pts[((i + n - 1) % n) * 2]!;
      const ay = pts[((i + n - 1) % n) * 2 + 1]!;
      const bx = pts[i * 2]!;
      const by = pts[i * 2 + 1]!;
      const da = dist(ax, ay);
      const db = dist(bx, by);
      if (db >= 0) {
        if (da < 0) out.push(...cross(ax, ay, bx, by, axis, value));
        out.push(bx, by);
      } else if (da >= 0) {
        out.push(...cross(ax, ay, bx, by, axis, value));
      }
    }
    pts = out;
  }
  // Remove consecutive duplicates.
  const clean: number[] = [];
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i]!;
    const y = pts[i + 1]!;
    const l = clean.length;
    if (l >= 2 && clean[l - 2] === x && clean[l - 1] === y) continue;
    clean.push(x, y);
  }
  while (clean.length >= 4 && clean[0] === clean[clean.length - 2] && clean[1] === clean[clean.length - 1]) {
    clean.length -= 2;
  }
  if (clean.length < 6) return null;
  clean.push(clean[0]!, clean[1]!);
  return clean;
}

function cross(ax: number, ay: number, bx: number, by: number, axis: 'x' | 'y', v: number): [number, number] {
  if (axis === 'x') return [v, ay + ((by - ay) * (v - ax)) / (bx - ax)];
  return [ax + ((bx - ax) * (v - ay)) / (by - ay), v];
}

function clipLine(line: Coords, w: number, h: number): Coords[] {
  const out: Coords[] = [];
  let current: Coords | null = null;
  for (let i = 0; i + 3 < line.length; i += 2) {
    const seg = clipSegment(line[i]!, line[i + 1]!, line[i + 2]!, line[i + 3]!, [0, 0, w, h]);
    if (!seg) {
      current = null;
      continue;
    }
    const [x0, y0, x1, y1] = seg;
    if (current && current[current.length - 2] === x0 && current[current.length - 1] === y0) {
      current.push(x1, y1);
    } else {
      current = [x0, y0, x1, y1];
      out.push(current);
    }
  }
  return out;
}

/** Liang–Barsky: the part of a segment inside `rect` (`[minX, minY, maxX, maxY]`), or null. */
export function clipSegment(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  rect: readonly [number, number, number, number],
): [number, number, number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const checks: [number, number][] = [
    [-dx, x0 - rect[0]],
    [dx, rect[2] - x0],
    [-dy, y0 - rect[1]],
    [dy, rect[3] - y0],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}
