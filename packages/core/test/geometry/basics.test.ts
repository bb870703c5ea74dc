import {
  clipLineToRect,
  flipY,
  geometryArea,
  geometryBbox,
  geometryPerimeter,
  isRingCounterClockwise,
  orientGeometry,
  reverseRing,
  ringSignedArea,
  scaleGeometry,
  translateGeometry,
} from '@cytorx/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flipYOriented, flipYOrientedInPlace } from '../../src/geometry/orientation.js';
import { anyGeometry, dyadic, ring } from './arbitraries.js';

describe('area, perimeter, bbox', () => {
  it('shoelace: signed area with or without the closing vertex', () => {
    expect(
      ringSignedArea([
        [0, 0],
        [2, 0],
        [2, 1],
        [0, 1],
      ]),
    ).toBe(2);
    expect(
      ringSignedArea([
        [0, 0],
        [2, 0],
        [2, 1],
        [0, 1],
        [0, 0],
      ]),
    ).toBe(2);
    expect(
      ringSignedArea([
        [0, 0],
        [0, 1],
        [2, 1],
        [2, 0],
        [0, 0],
      ]),
    ).toBe(-2);
    expect(
      ringSignedArea([
        [0, 0],
        [1, 1],
      ]),
    ).toBe(0);
    expect(
      isRingCounterClockwise([
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ]),
    ).toBe(true);
  });

  it('polygon area subtracts holes whatever their orientation; perimeter counts every ring', () => {
    const g = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [0, 4],
          [4, 4],
          [4, 0],
          [0, 0],
        ] as [number, number][],
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
          [1, 1],
        ] as [number, number][],
      ],
    };
    expect(geometryArea(g)).toBe(15);
    expect(geometryPerimeter(g)).toBe(20);
    expect(geometryBbox(g)).toEqual([0, 0, 4, 4]);
    expect(
      geometryArea({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [3, 4],
        ],
      }),
    ).toBe(0);
    expect(
      geometryPerimeter({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [3, 4],
        ],
      }),
    ).toBe(5);
    expect(geometryBbox({ type: 'MultiPoint', coordinates: [] })).toBeUndefined();
  });

  it('property: area is invariant under translation by whole numbers and scales by factor²', () => {
    fc.assert(
      fc.property(
        ring(fc.integer({ min: -1000, max: 1000 })),
        fc.integer({ min: -5000, max: 5000 }),
        (r, dx) => {
          const g = { type: 'Polygon' as const, coordinates: [r] };
          expect(geometryArea(translateGeometry(g, dx, -dx))).toBe(geometryArea(g));
          expect(geometryArea(scaleGeometry(g, 2))).toBe(4 * geometryArea(g));
        },
      ),
    );
  });
});

describe('orientation', () => {
  it('reverseRing keeps the first vertex and is an involution', () => {
    const r: [number, number][] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(reverseRing(r)).toEqual([
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(
      reverseRing([
        [0, 0],
        [1, 0],
        [1, 1],
      ]),
    ).toEqual([
      [0, 0],
      [1, 1],
      [1, 0],
    ]);
    fc.assert(
      fc.property(ring(), (x) => {
        expect(reverseRing(reverseRing(x))).toEqual(x);
      }),
    );
  });

  it('orientGeometry: exteriors positive, holes negative, idempotent, zero-area rings untouched', () => {
    fc.assert(
      fc.property(anyGeometry(), (g) => {
        const o = orientGeometry(g);
        expect(orientGeometry(o)).toEqual(o);
        const polys = o.type === 'Polygon' ? [o.coordinates] : o.type === 'MultiPolygon' ? o.coordinates : [];
        for (const p of polys) {
          p.forEach((r, i) => {
            const a = ringSignedArea(r);
            if (a !== 0) expect(a > 0).toBe(i === 0);
          });
        }
      }),
    );
  });
});

describe('flipY', () => {
  it('maps [0,W]x[0,H] onto itself and is its own inverse on the 1/256 grid', () => {
    expect(flipY({ type: 'Point', coordinates: [10, 30] }, 100)).toEqual({
      type: 'Point',
      coordinates: [10, 70],
    });
    fc.assert(
      fc.property(anyGeometry(), fc.integer({ min: 1, max: 2 ** 20 }), (g, h) => {
        expect(flipY(flipY(g, h), h)).toEqual(g);
      }),
    );
  });
});

describe('clipLineToRect (Liang–Barsky)', () => {
  const R: [number, number, number, number] = [0, 0, 10, 10];
  it('clips crossing, entering and leaving segments, and splits a line that leaves and re-enters', () => {
    expect(
      clipLineToRect(
        [
          [-5, 5],
          [15, 5],
        ],
        R,
      ),
    ).toEqual([
      [
        [0, 5],
        [10, 5],
      ],
    ]);
    expect(
      clipLineToRect(
        [
          [5, 5],
          [5, 20],
        ],
        R,
      ),
    ).toEqual([
      [
        [5, 5],
        [5, 10],
      ],
    ]);
    expect(
      clipLineToRect(
        [
          [1, 1],
          [20, 1],
          [20, 2],
          [1, 2],
        ],
        R,
      ),
    ).toEqual([
      [
        [1, 1],
        [10, 1],
      ],
      [
        [10, 2],
        [1, 2],
      ],
    ]);
    expect(
      clipLineToRect(
        [
          [1, 1],
          [2, 2],
          [3, 1],
        ],
        R,
      ),
    ).toEqual([
      [
        [1, 1],
        [2, 2],
        [3, 1],
      ],
    ]);
    expect(
      clipLineToRect(
        [
          [20, 20],
          [30, 30],
        ],
        R,
      ),
    ).toEqual([]);
    // Touching a corner only: a single point, dropped.
    expect(
      clipLineToRect(
        [
          [-1, 11],
          [1, 9],
        ].map(([x, y]) => [x! - 1, y! + 1] as [number, number]),
        R,
      ),
    ).toEqual([]);
    // Along the boundary: kept (closed rectangle).
    expect(
      clipLineToRect(
        [
          [0, -5],
          [0, 5],
        ],
        R,
      ),
    ).toEqual([
      [
        [0, 0],
        [0, 5],
      ],
    ]);
  });

  it('property: pieces lie in the rectangle and their length equals the length inside (sampled)', () => {
    const c = fc.integer({ min: -40, max: 50 });
    fc.assert(
      fc.property(fc.array(fc.tuple(c, c), { minLength: 2, maxLength: 6 }), (pts) => {
        const line = pts.map(([x, y]): [number, number] => [x, y]);
        const pieces = clipLineToRect(line, R);
        let clippedLen = 0;
        for (const piece of pieces) {
          for (const [x, y] of piece) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(10);
            expect(y).toBeGreaterThanOrEqual(0);
            expect(y).toBeLessThanOrEqual(10);
          }
          clippedLen += geometryPerimeter({ type: 'LineString', coordinates: piece });
        }
        // Oracle: per segment, sample 2000 points, fraction inside x length.
        let expected = 0;
        for (let i = 1; i < line.length; i++) {
          const [x0, y0] = line[i - 1]!;
          const [x1, y1] = line[i]!;
          const len = Math.hypot(x1 - x0, y1 - y0);
          let inside = 0;
          const n = 2000;
          for (let k = 0; k < n; k++) {
            const t = (k + 0.5) / n;
            const x = x0 + t * (x1 - x0);
            const y = y0 + t * (y1 - y0);
            if (x >= 0 && x <= 10 && y >= 0 && y <= 10) inside++;
          }
          expected += (len * inside) / n;
        }
        expect(Math.abs(clippedLen - expected)).toBeLessThanOrEqual((line.length - 1) * 0.2);
      }),
    );
  });
});

describe('scale by powers of two', () => {
  it('property: scaling by 2^-z then 2^z is the identity, exactly', () => {
    const coord = fc
      .double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true })
      .filter((v) => v === 0 || Math.abs(v) > 2 ** -900); // no underflow to subnormals
    fc.assert(
      fc.property(anyGeometry(coord), fc.integer({ min: -30, max: 30 }), (g, z) => {
        expect(scaleGeometry(scaleGeometry(g, 2 ** -z), 2 ** z)).toEqual(g);
      }),
    );
  });

  it('dyadic arbitrary really stays on the grid', () => {
    fc.assert(fc.property(dyadic, (v) => Number.isInteger(v * 256)));
  });
});

const flipCoord = fc.oneof(dyadic, fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }));
const flipHeight = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 20 }),
  fc.double({ min: 1, max: 1e7, noNaN: true }),
);

describe('flipYOriented (one-pass flip used by toImageSpace)', () => {
  it('property: identical to orientGeometry(flipY(g, h)), arbitrary doubles included', () => {
    fc.assert(
      fc.property(anyGeometry(flipCoord), flipHeight, (g, h) => {
        expect(flipYOriented(g, h)).toEqual(orientGeometry(flipY(g, h)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('flipYOrientedInPlace (toImageSpace({ inPlace: true }))', () => {
  it('property: the same numbers and order as flipYOriented, in the same arrays', () => {
    fc.assert(
      fc.property(anyGeometry(flipCoord), flipHeight, (g, h) => {
        const expected = flipYOriented(g, h);
        const copy = structuredClone(g);
        const firstRing = copy.type === 'Polygon' ? copy.coordinates[0] : undefined;
        const result = flipYOrientedInPlace(copy, h);
        expect(result).toBe(copy);
        expect(result).toEqual(expected);
        if (firstRing !== undefined && result.type === 'Polygon')
          expect(result.coordinates[0]).toBe(firstRing);
      }),
      { numRuns: 500 },
    );
  });
});
