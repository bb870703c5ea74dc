import type { Coords, Geometry } from './geometry.js';

/** Area, length (perimeter) and centroid of a geometry, JTS-style. */
export interface Measures {
  area: number;
  length: number;
  centroid: { x: number; y: number } | null;
}

function ringArea(r: Coords): number {
  let a = 0;
  for (let i = 0; i + 3 < r.length; i += 2) a += r[i]! * r[i + 3]! - r[i + 2]! * r[i + 1]!;
  return a / 2;
}

function pathLength(c: Coords): number {
  let l = 0;
  for (let i = 0; i + 3 < c.length; i += 2) l += Math.hypot(c[i + 2]! - c[i]!, c[i + 3]! - c[i + 1]!);
  return l;
}

/** Measures a geometry. */
export function measure(g: Geometry): Measures {
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    let area = 0;
    let length = 0;
    let cx = 0;
    let cy = 0;
    for (const rings of g.type === 'Polygon' ? [g.rings] : g.polygons) {
      rings.forEach((r, k) => {
        const a = Math.abs(ringArea(r));
        const sign = k === 0 ? 1 : -1;
        length += pathLength(r);
        const c = ringCentroid(r);
        area += sign * a;
        cx += sign * a * c.x;
        cy += sign * a * c.y;
      });
    }
    return { area, length, centroid: area > 0 ? { x: cx / area, y: cy / area } : averagePoint(g) };
  }
  if (g.type === 'LineString' || g.type === 'MultiLineString') {
    const lines = g.type === 'LineString' ? [g.coords] : g.lines;
    return { area: 0, length: lines.reduce((s, l) => s + pathLength(l), 0), centroid: averagePoint(g) };
  }
  return { area: 0, length: 0, centroid: averagePoint(g) };
}

function ringCentroid(r: Coords): { x: number; y: number } {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i + 3 < r.length; i += 2) {
    const f = r[i]! * r[i + 3]! - r[i + 2]! * r[i + 1]!;
    a += f;
    x += (r[i]! + r[i + 2]!) * f;
    y += (r[i + 1]! + r[i + 3]!) * f;
  }
  if (a === 0) return { x: r[0] ?? 0, y: r[1] ?? 0 };
  return { x: x / (3 * a), y: y / (3 * a) };
}

function averagePoint(g: Geometry): { x: number; y: number } | null {
  let n = 0;
  let x = 0;
  let y = 0;
  const arrays =
    g.type === 'Point' || g.type === 'LineString'
      ? [g.coords]
      : g.type === 'MultiPoint'
        ? g.points
        : g.type === 'MultiLineString'
          ? g.lines
          : g.type === 'Polygon'
            ? g.rings
            : g.polygons.flat();
  for (const c of arrays) {
    for (let i = 0; i + 1 < c.length; i += 2) {
      x += c[i]!;
      y += c[i + 1]!;
      n++;
    }
  }
  return n ? { x: x / n, y: y / n } : null;
}
