import polygonClipping from 'polygon-clipping';
import type { Geometry, Position } from '../pipeline/types.js';
import { geometryArea, ringSignedArea } from './area.js';
import { nestingIsValid, touchesCross } from './ring-topology.js';
import { findRingContacts } from './self-intersections.js';
import { isSimplePolygon } from './star-simple.js';
import { isFiniteGeometry } from './transform.js';

/** Outcome of {@link repairGeometry}. */
export type RepairResult =
  | {
      ok: true;
      /** The valid geometry (the input object itself when `changed` is false). */
      geometry: Geometry;
      /** True when anything was rewritten. */
      changed: boolean;
      /** What was done, for the warning message (empty when unchanged). */
      fixes: string[];
    }
  | {
      ok: false;
      /** `INVALID_GEOMETRY`: not usable (non-finite, clipping failure); `DEGENERATE`: nothing with area/length left. */
      code: 'INVALID_GEOMETRY' | 'DEGENERATE';
      reason: string;
    };

const same = (a: Position, b: Position): boolean => a[0] === b[0] && a[1] === b[1];

/** Open ring without repeated consecutive vertices; counts what was removed. */
function cleanRing(ring: ReadonlyArray<Position>, fixes: Set<string>): Position[] {
  const out: Position[] = [];
  let repeated = 0;
  for (const p of ring) {
    if (out.length > 0 && same(out[out.length - 1]!, p)) repeated++;
    else out.push([p[0], p[1]]);
  }
  const closed = out.length > 1 && same(out[0]!, out[out.length - 1]!);
  if (closed) out.pop();
  else if (ring.length > 0) fixes.add('closed an unclosed ring');
  if (repeated > 0) fixes.add('removed repeated points');
  return out;
}

/** Splits a ring at every repeated vertex into loops that visit no point twice. */
function simpleLoops(ring: Position[]): Position[][] {
  const loops: Position[][] = [];
  const stack: Position[] = [];
  const at = new Map<string, number>();
  for (const p of ring) {
    const key = `${p[0]},${p[1]}`;
    const j = at.get(key);
    if (j === undefined) {
      at.set(key, stack.length);
      stack.push(p);
      continue;
    }
    const loop = stack.splice(j + 1);
    for (const q of loop) at.delete(`${q[0]},${q[1]}`);
    loops.push([stack[j]!, ...loop]);
  }
  loops.push(stack);
  return loops;
}

function withInserts(ring: Position[], inserts: Array<Array<[number, Position]> | undefined>): Position[] {
  const out: Position[] = [];
  ring.forEach((p, i) => {
    if (out.length === 0 || !same(out[out.length - 1]!, p)) out.push(p);
    const extra = (inserts[i] ?? []).slice().sort((a, b) => a[0] - b[0]);
    for (const [, q] of extra) if (!same(out[out.length - 1]!, q)) out.push(q);
  });
  while (out.length > 1 && same(out[0]!, out[out.length - 1]!)) out.pop();
  return out;
}

const close = (ring: Position[]): Position[] => [...ring, ring[0]!];

/**
 * XOR of simple loops with polygon-clipping, which occasionally fails on float round-off
 * ("Unable to complete output ring"). Then: one loop at a time, and finally the loops snapped
 * to the 1/1024 px grid (finer than the masks' 1/256 px rule).
 */
function evenOddXor(loops: Position[][][]): Position[][][] {
  try {
    return polygonClipping.xor(loops[0]!, ...loops.slice(1)) as Position[][][];
  } catch {
    try {
      let acc = [loops[0]!] as Position[][][];
      for (const l of loops.slice(1)) acc = polygonClipping.xor(acc, l) as Position[][][];
      return acc;
    } catch {
      const snap = (v: number): number => Math.round(v * 1024) / 1024;
      const snapped = loops.map((l) => l.map((r) => r.map(([x, y]): Position => [snap(x), snap(y)])));
      return polygonClipping.xor(snapped[0]!, ...snapped.slice(1)) as Position[][][];
    }
  }
}

function repairPolygons(
  geometry: Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }>,
  pass = 0,
): RepairResult {
  const fixes = new Set<string>();
  const input = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const parts: Position[][][] = [];
  for (const poly of input) {
    const rings = poly.map((r) => cleanRing(r, fixes));
    const kept = rings.filter((r) => r.length >= 3);
    if (kept.length < rings.length) fixes.add('dropped rings with fewer than 3 distinct points');
    if (rings[0] && rings[0].length >= 3) parts.push(kept);
    else if (kept.length > 0) {
      // Exterior gone: the holes still count under even-odd; keep them as rings of their own.
      for (const r of kept) parts.push([r]);
    }
  }
  if (parts.length === 0) return { ok: false, code: 'DEGENERATE', reason: 'no ring with 3 distinct points' };
  const flat = parts.flat();
  const contacts = findRingContacts(flat);
  // Every contact point becomes a vertex of the rings it lies on.
  const rings = contacts.found ? flat.map((r, i) => withInserts(r, contacts.inserts[i]!)) : flat;
  let k = 0;
  const augmented = parts.map((p) => p.map(() => rings[k++]!));
  const crossing = contacts.crossing || (contacts.found && touchesCross(rings));
  if (!crossing && nestingIsValid(augmented)) {
    if (fixes.size === 0) return { ok: true, geometry, changed: false, fixes: [] };
    const closed = parts.map((p) => p.map(close));
    const g: Geometry =
      geometry.type === 'Polygon' && closed.length === 1
        ? { type: 'Polygon', coordinates: closed[0]! }
        : { type: 'MultiPolygon', coordinates: closed };
    return { ok: true, geometry: g, changed: true, fixes: [...fixes] };
  }
  // Even-odd region of all rings = XOR of the simple loops of every ring.
  const loops = rings
    .flatMap((r) => simpleLoops(r))
    .filter((l) => l.length >= 3 && ringSignedArea(l) !== 0)
    .map((l) => [close(l)]);
  if (loops.length === 0) return { ok: false, code: 'DEGENERATE', reason: 'the rings enclose no area' };
  let out: Position[][][];
  try {
    out = evenOddXor(loops);
  } catch (error) {
    return {
      ok: false,
      code: 'INVALID_GEOMETRY',
      reason: `even-odd repair failed (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (out.length === 0) return { ok: false, code: 'DEGENERATE', reason: 'the even-odd region is empty' };
  fixes.add(crossing ? 'resolved crossing rings (even-odd)' : 'rebuilt ring nesting (even-odd)');
  const g: Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }> =
    geometry.type === 'Polygon' && out.length === 1
      ? { type: 'Polygon', coordinates: out[0]! }
      : { type: 'MultiPolygon', coordinates: out };
  if (!(geometryArea(g) > 0)) return { ok: false, code: 'DEGENERATE', reason: 'zero area after repair' };
  // polygon-clipping's output can itself be invalid by float round-off (points one ulp apart,
  // a hole touching its exterior): repeat, up to twice, until it passes the same checks.
  if (pass < 2) {
    const again = repairPolygons(g, pass + 1);
    if (again.ok && again.changed)
      return { ok: true, geometry: again.geometry, changed: true, fixes: [...fixes] };
  }
  return { ok: true, geometry: g, changed: true, fixes: [...fixes] };
}

function repairLine(line: Position[], fixes: Set<string>): Position[] | undefined {
  const out: Position[] = [];
  for (const p of line) if (out.length === 0 || !same(out[out.length - 1]!, p)) out.push(p);
  if (out.length < line.length) fixes.add('removed repeated points');
  return out.length >= 2 ? out : undefined;
}

/**
 * Makes a geometry valid, with the same even-odd semantics the mask rasterizer uses, so that
 * GeoJSON, masks and COCO agree:
 * - rings are closed, repeated consecutive points removed, rings with fewer than 3 distinct
 *   points dropped (collinear vertices along a straight edge are valid and kept);
 * - polygons whose rings cross (bow-ties, spikes, a hole crossing its exterior, overlapping
 *   parts, a ring passing twice through a point) or are wrongly nested (a hole outside its
 *   exterior, nested holes) are replaced by the even-odd region of all their rings: each ring
 *   is split into simple loops at its self-intersections and the loops are combined with
 *   polygon-clipping's `xor` (exterior rings then have positive signed area). Rings that only
 *   touch at single points without crossing are valid and kept;
 * - lines lose repeated points and need 2 distinct points; points need finite coordinates.
 *
 * A valid input is returned as is (same object, `changed: false`). Pure; never throws.
 * @param geometry - Any GeoJSON geometry.
 * @returns `{ ok: true, geometry, changed, fixes }`, or `{ ok: false, code, reason }` with
 * `INVALID_GEOMETRY` (non-finite coordinates, clipping failure) or `DEGENERATE` (nothing left).
 * @example
 * ```ts
 * import { repairGeometry } from '@cytorx/core';
 * const bowTie = { type: 'Polygon' as const, coordinates: [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]] as [number, number][][] };
 * const r = repairGeometry(bowTie); // ok, MultiPolygon of two triangles, area 2
 * ```
 */
export function repairGeometry(geometry: Geometry): RepairResult {
  if (!isFiniteGeometry(geometry)) {
    return { ok: false, code: 'INVALID_GEOMETRY', reason: 'non-finite coordinate (NaN or Infinity)' };
  }
  const fixes = new Set<string>();
  switch (geometry.type) {
    case 'Point':
      return { ok: true, geometry, changed: false, fixes: [] };
    case 'MultiPoint':
      return geometry.coordinates.length > 0
        ? { ok: true, geometry, changed: false, fixes: [] }
        : { ok: false, code: 'DEGENERATE', reason: 'empty MultiPoint' };
    case 'LineString': {
      const line = repairLine(geometry.coordinates, fixes);
      if (!line) return { ok: false, code: 'DEGENERATE', reason: 'line with fewer than 2 distinct points' };
      return fixes.size === 0
        ? { ok: true, geometry, changed: false, fixes: [] }
        : { ok: true, geometry: { type: 'LineString', coordinates: line }, changed: true, fixes: [...fixes] };
    }
    case 'MultiLineString': {
      const lines = geometry.coordinates.map((l) => repairLine(l, fixes));
      const kept = lines.filter((l): l is Position[] => l !== undefined);
      if (kept.length === 0)
        return { ok: false, code: 'DEGENERATE', reason: 'no line with 2 distinct points' };
      if (kept.length < lines.length) fixes.add('dropped lines with fewer than 2 distinct points');
      return fixes.size === 0
        ? { ok: true, geometry, changed: false, fixes: [] }
        : {
            ok: true,
            geometry: { type: 'MultiLineString', coordinates: kept },
            changed: true,
            fixes: [...fixes],
          };
    }
    case 'Polygon':
      // Fast path: a provably valid polygon (the usual drawn outline, with or without a few
      // holes) is returned as is, without the self-intersection search.
      if (isSimplePolygon(geometry.coordinates)) {
        return { ok: true, geometry, changed: false, fixes: [] };
      }
      return repairPolygons(geometry);
    case 'MultiPolygon':
      return repairPolygons(geometry);
    case 'GeometryCollection': {
      const results = geometry.geometries.map(repairGeometry);
      const kept: Geometry[] = [];
      for (const r of results) {
        if (r.ok) {
          kept.push(r.geometry);
          for (const f of r.fixes) fixes.add(f);
        } else fixes.add(`dropped a member (${r.reason})`);
      }
      if (kept.length === 0)
        return { ok: false, code: 'DEGENERATE', reason: 'no usable member in the collection' };
      return fixes.size === 0
        ? { ok: true, geometry, changed: false, fixes: [] }
        : {
            ok: true,
            geometry: { type: 'GeometryCollection', geometries: kept },
            changed: true,
            fixes: [...fixes],
          };
    }
  }
}
