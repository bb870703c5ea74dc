import { describe, expect, it } from 'vitest';
import { clipToRect } from '../src/geometry/clip.js';
import { intersectsRect } from '../src/geometry/intersects-rect.js';
import { invalidReason } from '../src/geometry/validate.js';
import { parseWkt, writeWkt } from '../src/geometry/wkt.js';

describe('emulator WKT', () => {
  it.each([
    ['POLYGON((10 10,50 10,50 50,10 50,10 10))', 'POLYGON ((10 10, 50 10, 50 50, 10 50, 10 10))'],
    ['point(1.5 2)', 'POINT (1.5 2)'],
    ['LINESTRING (0 0, 1e-7 3)', 'LINESTRING (0 0, 0.0000001 3)'],
    ['MULTIPOINT (1 2, 3 4)', 'MULTIPOINT ((1 2), (3 4))'],
    [
      'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
      'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
    ],
    ['POLYGON Z ((0 0 1, 1 0 1, 1 1 1, 0 0 1))', 'POLYGON ((0 0, 1 0, 1 1, 0 0))'],
    ['POLYGON EMPTY', 'POLYGON EMPTY'],
  ])('%s -> %s', (input, output) => {
    expect(writeWkt(parseWkt(input))).toBe(output);
  });

  it.each([
    '',
    'POLYGN ((0 0))',
    'POLYGON ((0 0, 1 1',
    'POLYGON ((0 0, 1 a))',
    'POINT (1 2) x',
    'POLYGON ((0 0,, 1 1))',
  ])('refuses %j', (input) => {
    expect(() => parseWkt(input)).toThrow();
  });
});

describe('emulator validity', () => {
  it.each([
    ['POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))', null],
    ['POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))', null],
    ['POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))', 'Ring Self-intersection'],
    ['POLYGON ((0 0, 10 0, 10 10, 0 0, 0 0))', 'Ring Self-intersection'],
    ['POLYGON ((0 0, 10 0, 10 10, 0 5))', 'Ring is not closed'],
    ['POLYGON ((0 0, 10 0, 0 0))', 'Too few points in geometry component'],
    ['POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (20 20, 20 24, 24 24, 20 20))', 'Hole lies outside shell'],
    ['POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (5 5, 15 5, 15 6, 5 5))', 'Self-intersection'],
    [
      'MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((5 5, 15 5, 15 15, 5 15, 5 5)))',
      'Self-intersection between polygons',
    ],
    ['MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((2 2, 3 2, 3 3, 2 2)))', 'Nested shells'],
    // Parts touching at two corners (a C and a square in its mouth's corners) are valid in JTS.
    ['MULTIPOLYGON (((0 2, 0 1, 1 1, 1 2, 0 2)), ((1 1, 1 0, 3 0, 3 3, 1 3, 1 2, 2 2, 2 1, 1 1)))', null],
    ['POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (0 2, 2 0, 4 2, 2 4, 0 2))', 'Self-intersection'],
    // An island in a lake touching the shore at its four corners: valid in JTS.
    [
      'MULTIPOLYGON (((1 1, 2 1, 2 2, 1 2, 1 1)), ((-1 -1, 4 -1, 4 4, -1 4, -1 -1), (1 0, 1 1, 0 1, 0 2, 1 2, 1 3, 2 3, 2 2, 3 2, 3 1, 2 1, 2 0, 1 0)))',
      null,
    ],
    ['LINESTRING (1 1, 1 1)', 'Too few distinct points in geometry component'],
  ])('%s -> %s', (wkt, reason) => {
    expect(invalidReason(parseWkt(wkt))).toBe(reason);
  });
});

describe('emulator clipping', () => {
  it('clips polygons, holes, multipolygons and lines to the rectangle', () => {
    const p = clipToRect(parseWkt('POLYGON ((-10 -10, 10 -10, 10 10, -10 10, -10 -10))'), 100, 100);
    expect(p.type).toBe('Polygon');
    expect(new Set(writeWkt(p).slice(10, -2).split(', '))).toEqual(new Set(['0 0', '10 0', '10 10', '0 10']));
    const m = clipToRect(
      parseWkt('MULTIPOLYGON (((-5 0, -1 0, -1 5, -5 0)), ((1 1, 5 1, 5 5, 1 1)))'),
      10,
      10,
    );
    expect(writeWkt(m)).toBe('POLYGON ((1 1, 5 1, 5 5, 1 1))');
    const l = clipToRect(parseWkt('LINESTRING (-10 5, 20 5)'), 10, 10);
    expect(writeWkt(l)).toBe('LINESTRING (0 5, 10 5)');
    const gone = clipToRect(parseWkt('POINT (20 20)'), 10, 10);
    expect(writeWkt(gone)).toBe('POINT EMPTY');
  });
});

describe('emulator bbox intersection', () => {
  const ring = 'POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (20 20, 80 20, 80 80, 20 80, 20 20))';
  it.each([
    [ring, [10, 10, 15, 15], true], // inside the shell, outside the hole
    [ring, [40, 40, 60, 60], false], // inside the hole
    [ring, [90, 90, 200, 200], true], // overlaps the border
    [ring, [101, 0, 200, 200], false],
    ['POLYGON ((0 0, 100 0, 0 100, 0 0))', [80, 80, 90, 90], false], // in the envelope, outside the triangle
    ['LINESTRING (0 0, 100 100)', [40, 60, 45, 70], false],
    ['LINESTRING (0 100, 100 0)', [40, 40, 60, 60], true],
    ['POINT (5 5)', [5, 5, 6, 6], true],
  ] as const)('%s vs %j -> %s', (wkt, rect, expected) => {
    expect(intersectsRect(parseWkt(wkt), rect)).toBe(expected);
  });
});
