import { describe, expect, it } from 'vitest';
import wkx from 'wkx';
import { formatCoordinate, toWkt } from '../../src/geometry/to-wkt.js';
import type { Geometry } from '../../src/pipeline/types.js';

describe('toWkt', () => {
  it('writes every geometry type as JTS does', () => {
    expect(toWkt({ type: 'Point', coordinates: [1, 2] })).toBe('POINT (1 2)');
    expect(
      toWkt({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1.5, 2],
        ],
      }),
    ).toBe('LINESTRING (0 0, 1.5 2)');
    expect(
      toWkt({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [2, 0],
            [2, 2],
            [0, 2],
          ],
        ],
      }),
    ).toBe('POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))');
    expect(
      toWkt({
        type: 'MultiPoint',
        coordinates: [
          [1, 1],
          [2, 2],
        ],
      }),
    ).toBe('MULTIPOINT ((1 1), (2 2))');
    expect(toWkt({ type: 'MultiPolygon', coordinates: [] })).toBe('MULTIPOLYGON EMPTY');
  });

  it('never writes exponents or -0', () => {
    expect(formatCoordinate(1e-9)).toBe('0');
    expect(formatCoordinate(-0)).toBe('0');
    expect(formatCoordinate(123456789.1234567)).toBe('123456789.123457');
    expect(formatCoordinate(1e22)).toBe('10000000000000000000000');
  });

  it('round-trips through wkx for every type', () => {
    const geoms: Geometry[] = [
      { type: 'Point', coordinates: [3.25, 4] },
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
          [
            [2, 2],
            [3, 5],
          ],
        ],
      },
      {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [10, 0],
              [10, 10],
              [0, 10],
              [0, 0],
            ],
            [
              [2, 2],
              [2, 4],
              [4, 4],
              [4, 2],
              [2, 2],
            ],
          ],
          [
            [
              [20, 20],
              [30, 20],
              [30, 30],
              [20, 20],
            ],
          ],
        ],
      },
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 1] }] },
    ];
    for (const g of geoms) {
      expect(wkx.Geometry.parse(toWkt(g)).toGeoJSON()).toEqual(g);
    }
  });
});
