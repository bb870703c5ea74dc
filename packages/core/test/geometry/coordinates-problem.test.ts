import { coordinatesProblem } from '@cytorx/core';
import { describe, expect, it } from 'vitest';

const ring = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 0],
];

describe('coordinatesProblem', () => {
  it('accepts every geometry type at its nesting, 2D and 3D positions', () => {
    expect(coordinatesProblem('Point', [1, 2])).toBeUndefined();
    expect(coordinatesProblem('Point', [1, 2, 3])).toBeUndefined();
    expect(coordinatesProblem('MultiPoint', [[1, 2]])).toBeUndefined();
    expect(coordinatesProblem('LineString', ring)).toBeUndefined();
    expect(coordinatesProblem('MultiLineString', [ring])).toBeUndefined();
    expect(coordinatesProblem('Polygon', [ring])).toBeUndefined();
    expect(coordinatesProblem('MultiPolygon', [[ring], [ring]])).toBeUndefined();
    expect(coordinatesProblem('Polygon', [])).toBeUndefined(); // empty: left to the geometry checks
  });

  it('says how many levels too shallow or too deep, and what the type is made of', () => {
    expect(coordinatesProblem('Polygon', ring)).toBe(
      'Polygon coordinates are nested 1 level too shallow: a Polygon is an array of rings, each an array of positions [x, y], e.g. [[[0, 0], [10, 0], [10, 10], [0, 0]]]',
    );
    expect(coordinatesProblem('MultiPolygon', ring)).toMatch(
      /^MultiPolygon coordinates are nested 2 levels too shallow/,
    );
    expect(coordinatesProblem('Point', [[1, 2]])).toMatch(
      /^Point coordinates are nested 1 level too deep: a Point is a position/,
    );
  });

  it('names a position that is not 2 or 3 finite numbers, and an unknown type', () => {
    expect(
      coordinatesProblem('LineString', [
        [0, 0],
        [1, Number.NaN],
      ]),
    ).toBe('LineString has a position that is not 2 or 3 finite numbers: [1,null]');
    expect(
      coordinatesProblem('LineString', [
        [0, 0],
        [1, 2, 3, 4],
      ]),
    ).toMatch(/not 2 or 3 finite numbers: \[1,2,3,4\]/);
    expect(coordinatesProblem('Polygon', [ring, [[0, 0], 'x']])).toMatch(
      /^Polygon has a position that is not/,
    );
    expect(coordinatesProblem('Circle', [0, 0])).toBe('unsupported geometry type "Circle"');
  });
});
