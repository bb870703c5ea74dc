import type { Geometry, Position } from '@cytorx/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wkx from 'wkx';
import { readWkt } from '../../src/geometry/wkt-fast.js';

/** wkx, the reference, reduced to 2-D (what parseWkt keeps). */
function viaWkx(text: string): unknown {
  let raw: unknown;
  try {
    raw = wkx.Geometry.parse(text).toGeoJSON();
  } catch {
    return 'error';
  }
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? (typeof v[0] === 'number' || v[0] === null ? v.slice(0, 2) : v.map(strip)) : v;
  const g = raw as { type: string; coordinates?: unknown; geometries?: unknown[] };
  if (g.type === 'GeometryCollection')
    return { type: g.type, geometries: (g.geometries ?? []).map((m) => viaWkxObj(m)) };
  return { type: g.type, coordinates: strip(g.coordinates) };
  function viaWkxObj(m: unknown): unknown {
    const x = m as { type: string; coordinates?: unknown };
    return { type: x.type, coordinates: strip(x.coordinates) };
  }
}

// -0 prints as "0" in WKT, so it cannot round-trip: generate +0 only.
const num = fc
  .oneof(
    fc.integer({ min: -100000, max: 100000 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  )
  .map((v) => (v === 0 ? 0 : v));
const pos = fc.tuple(num, num).map(([x, y]): Position => [x, y]);
const line = fc.array(pos, { minLength: 1, maxLength: 6 });
const geometry: fc.Arbitrary<Geometry> = fc.oneof(
  pos.map((p): Geometry => ({ type: 'Point', coordinates: p })),
  fc
    .array(pos, { minLength: 1, maxLength: 4 })
    .map((c): Geometry => ({ type: 'MultiPoint', coordinates: c })),
  line.map((c): Geometry => ({ type: 'LineString', coordinates: c })),
  fc
    .array(line, { minLength: 1, maxLength: 3 })
    .map((c): Geometry => ({ type: 'MultiLineString', coordinates: c })),
  fc.array(line, { minLength: 1, maxLength: 3 }).map((c): Geometry => ({ type: 'Polygon', coordinates: c })),
  fc
    .array(fc.array(line, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 })
    .map((c): Geometry => ({ type: 'MultiPolygon', coordinates: c })),
);

/** A WKT writer with random spacing, case and Z ordinates. */
function toWkt(g: Geometry, style: { sp: string; lower: boolean; z: boolean }): string {
  const { sp, z } = style;
  const p = (q: Position) => `${q[0]}${sp || ' '}${q[1]}${z ? ' 7' : ''}`;
  const list = (ps: Position[]) => `(${ps.map(p).join(`,${sp}`)})`;
  const wrap = (items: string[]) => `(${items.join(`,${sp}`)})`;
  let body: string;
  switch (g.type) {
    case 'Point':
      body = `(${p(g.coordinates)})`;
      break;
    case 'MultiPoint':
      body = wrap(g.coordinates.map((q) => `(${p(q)})`));
      break;
    case 'LineString':
      body = list(g.coordinates);
      break;
    case 'MultiLineString':
    case 'Polygon':
      body = wrap(g.coordinates.map(list));
      break;
    case 'MultiPolygon':
      body = wrap(g.coordinates.map((poly) => wrap(poly.map(list))));
      break;
    default:
      throw new Error('unused');
  }
  const name = g.type.toUpperCase() + (z ? ' Z' : '');
  return `${style.lower ? name.toLowerCase() : name}${sp}${body}`;
}

describe('readWkt (fast path) agrees with wkx', () => {
  // wkx only skips spaces and is case-sensitive: well-formed means upper case and spaces.
  const style = fc.record({ sp: fc.constantFrom('', ' ', '  '), lower: fc.constant(false), z: fc.boolean() });
  const anyStyle = fc.record({
    sp: fc.constantFrom('', ' ', '  ', '\n', '\t'),
    lower: fc.boolean(),
    z: fc.boolean(),
  });

  it('property: well-formed WKT gives exactly what wkx gives (2-D)', () => {
    fc.assert(
      fc.property(geometry, style, (g, st) => {
        const text = toWkt(g, st);
        expect(readWkt(text)).toEqual(viaWkx(text));
        expect(readWkt(text)).toEqual(g);
      }),
      { numRuns: 400 },
    );
  });

  it('property: damaged WKT is either refused (left to wkx) or read exactly as wkx reads it', () => {
    const damaged = fc
      .tuple(geometry, anyStyle, fc.nat(), fc.constantFrom('', ',', '(', ')', ' ', 'x', '-', '.', 'e'))
      .map(([g, st, at, ins]) => {
        const t = toWkt(g, st);
        const k = at % (t.length + 1);
        return t.slice(0, k) + ins + t.slice(k + 1);
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const fast = readWkt(text);
        if (fast !== undefined) expect(fast).toEqual(viaWkx(text));
      }),
      { numRuns: 600 },
    );
  });

  it('leaves EMPTY, SRID and non-finite numbers to wkx', () => {
    expect(readWkt('POLYGON EMPTY')).toBeUndefined();
    expect(readWkt('SRID=4326;POINT (1 2)')).toBeUndefined();
    expect(readWkt('POINT (nan 1)')).toBeUndefined();
    expect(readWkt('POINT (1 2) trailing')).toBeUndefined();
    expect(readWkt('GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))')).toEqual({
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [1, 2] },
        {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    });
  });
});

describe('readWkt numbers', () => {
  it('property: every number reads exactly as Number() reads it (fast decimal path and general path)', () => {
    const text = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
      fc
        .tuple(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 20 }))
        .map(([v, k]) => v.toFixed(k)),
      fc
        .tuple(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 17 }))
        .map(([m, k]) => {
          const s = String(Math.abs(m)).padStart(k + 1, '0');
          return `${m < 0 ? '-' : ''}${k > 0 ? `${s.slice(0, -k)}.${s.slice(-k)}` : s}`;
        }),
    );
    fc.assert(
      fc.property(text, text, (x, y) => {
        expect(readWkt(`POINT (${x} ${y})`)).toEqual({ type: 'Point', coordinates: [Number(x), Number(y)] });
      }),
      { numRuns: 2000 },
    );
  });
});
