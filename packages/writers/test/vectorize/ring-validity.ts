// An independent validity check of vectorised polygons (axis-aligned rings on pixel corners),
// stricter than OGC where it can be: rings simple with no collinear vertex, shells positive
// and holes negative (y down), rings meeting only at shared vertices, interiors 4-connected.
import type { Geometry, Position } from '@cytorx/core';
import { geometryToRings, rasterizeSpans } from '@cytorx/writers';
import { invalidReason } from '../../../emulator/src/geometry/validate.js';

type Seg = [number, number, number, number];

function segments(ring: readonly Position[]): Seg[] {
  const out: Seg[] = [];
  for (let i = 0; i + 1 < ring.length; i++)
    out.push([ring[i]![0], ring[i]![1], ring[i + 1]![0], ring[i + 1]![1]]);
  return out;
}

const between = (v: number, a: number, b: number) => Math.min(a, b) <= v && v <= Math.max(a, b);

/** The points where two axis-aligned segments meet: 'none', 'point x,y', or 'overlap'. */
function meet(s: Seg, t: Seg): string {
  const sh = s[1] === s[3];
  const th = t[1] === t[3];
  if (sh && th) {
    if (s[1] !== t[1]) return 'none';
    const lo = Math.max(Math.min(s[0], s[2]), Math.min(t[0], t[2]));
    const hi = Math.min(Math.max(s[0], s[2]), Math.max(t[0], t[2]));
    return lo > hi ? 'none' : lo === hi ? `point ${lo},${s[1]}` : 'overlap';
  }
  if (!sh && !th) {
    if (s[0] !== t[0]) return 'none';
    const lo = Math.max(Math.min(s[1], s[3]), Math.min(t[1], t[3]));
    const hi = Math.min(Math.max(s[1], s[3]), Math.max(t[1], t[3]));
    return lo > hi ? 'none' : lo === hi ? `point ${s[0]},${lo}` : 'overlap';
  }
  const [h, v] = sh ? [s, t] : [t, s];
  return between(v[0], h[0], h[2]) && between(h[1], v[1], v[3]) ? `point ${v[0]},${h[1]}` : 'none';
}

function signedArea(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}

/** Why a ring is not simple and tidy, or undefined. */
export function ringProblem(ring: readonly Position[]): string | undefined {
  const n = ring.length - 1;
  if (n < 4) return `ring of ${n} vertices`;
  const [fx, fy] = ring[0]!;
  if (ring[n]![0] !== fx || ring[n]![1] !== fy) return 'ring not closed';
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const k = `${ring[i]![0]},${ring[i]![1]}`;
    if (seen.has(k)) return `vertex ${k} repeated`;
    seen.add(k);
  }
  const segs = segments(ring);
  for (let i = 0; i < n; i++) {
    const a = segs[i]!;
    const b = segs[(i + 1) % n]!;
    if (a[0] !== a[2] && a[1] !== a[3]) return 'edge not axis-aligned';
    if (a[0] === a[2] && a[1] === a[3]) return 'zero-length edge';
    if ((a[0] === a[2]) === (b[0] === b[2])) return `collinear vertex at ${a[2]},${a[3]}`;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      const m = meet(segs[i]!, segs[j]!);
      if (m !== 'none') return `ring touches itself (${m})`;
    }
  }
  return undefined;
}

/** Why two rings of one geometry meet other than at shared vertices, or undefined. */
function ringsProblem(r: readonly Position[], s: readonly Position[]): string | undefined {
  const rv = new Set(r.map((p) => `${p[0]},${p[1]}`));
  const sv = new Set(s.map((p) => `${p[0]},${p[1]}`));
  for (const a of segments(r)) {
    for (const b of segments(s)) {
      const m = meet(a, b);
      if (m === 'none') continue;
      if (m === 'overlap') return 'rings share an edge';
      const at = m.slice(6);
      if (!rv.has(at) || !sv.has(at)) return `rings meet at ${at}, not a vertex of both`;
    }
  }
  return undefined;
}

/** Pixels covered by some rings on a canvas. */
function pixelsOf(rings: readonly (readonly Position[])[], width: number, height: number): Set<number> {
  const out = new Set<number>();
  const flat = rings.map((r) => r.slice(0, -1).flatMap((p) => [p[0], p[1]]));
  rasterizeSpans(flat, width, height, (y, x0, x1) => {
    for (let x = x0; x < x1; x++) out.add(y * width + x);
  });
  return out;
}

function fourConnected(pixels: Set<number>, width: number): boolean {
  const first = pixels.values().next().value;
  if (first === undefined) return false;
  const seen = new Set([first]);
  const stack = [first];
  while (stack.length > 0) {
    const k = stack.pop()!;
    const x = k % width;
    for (const q of [x > 0 ? k - 1 : -1, x < width - 1 ? k + 1 : -1, k - width, k + width]) {
      if (q >= 0 && pixels.has(q) && !seen.has(q)) {
        seen.add(q);
        stack.push(q);
      }
    }
  }
  return seen.size === pixels.size;
}

/**
 * Why a vectorised geometry is not valid, or undefined: every ring tidy and simple, shell
 * positive and holes negative, rings meeting only at shared vertices, each polygon's pixels
 * 4-connected (a connected interior), parts of a MultiPolygon disjoint, and the emulator's
 * JTS-like `isValid` agreeing.
 */
export function geometryProblem(g: Geometry, width: number, height: number): string | undefined {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  if (polygons.length === 0) return `not polygonal: ${g.type}`;
  const all = polygons.flat();
  for (const [k, ring] of all.entries()) {
    const p = ringProblem(ring);
    if (p) return `ring ${k}: ${p}`;
  }
  for (const poly of polygons) {
    if (!(signedArea(poly[0]!) > 0)) return 'shell with area <= 0';
    for (const hole of poly.slice(1)) if (!(signedArea(hole) < 0)) return 'hole with area >= 0';
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const p = ringsProblem(all[i]!, all[j]!);
      if (p) return `rings ${i} and ${j}: ${p}`;
    }
  }
  const covered = new Set<number>();
  for (const poly of polygons) {
    const px = pixelsOf(poly, width, height);
    if (!fourConnected(px, width)) return 'a polygon whose pixels are not 4-connected';
    for (const q of px) {
      if (covered.has(q)) return 'parts overlap';
      covered.add(q);
    }
  }
  const emulator =
    g.type === 'Polygon'
      ? invalidReason({ type: 'Polygon', rings: g.coordinates.map((r) => r.flat()) })
      : invalidReason({ type: 'MultiPolygon', polygons: polygons.map((p) => p.map((r) => r.flat())) });
  if (emulator) return `emulator isValid: ${emulator}`;
  if (geometryToRings(g).length !== all.length) return 'rings lost';
  return undefined;
}
