import type { Position } from '@cytorx/core';
import { repairGeometry } from '@cytorx/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestingIsValid } from '../../src/geometry/ring-topology.js';
import { findRingContacts } from '../../src/geometry/self-intersections.js';
import { isSimplePolygon, isStarSimple } from '../../src/geometry/star-simple.js';
import { dyadic, ring, starPolygon } from './arbitraries.js';

const open = (r: Position[]): Position[] => r.slice(0, -1);
const closed = (ps: number[][]): Position[] => [...ps, ps[0]!].map((p) => [p[0]!, p[1]!]);

describe('isStarSimple (the repair fast path)', () => {
  it('never calls a ring simple that the full search finds touching or crossing (property)', () => {
    let proven = 0;
    fc.assert(
      fc.property(ring(fc.integer({ min: -6, max: 6 }).map((v) => v / 2)), (r) => {
        if (!isStarSimple(r)) return;
        proven++;
        expect(findRingContacts([open(r)]).found).toBe(false);
      }),
      { numRuns: 5000 },
    );
    expect(proven).toBeGreaterThan(500); // the property is not vacuous
    fc.assert(
      fc.property(ring(dyadic), (r) => {
        if (isStarSimple(r)) expect(findRingContacts([open(r)]).found).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts star-shaped outlines, whatever their orientation (property)', () => {
    const star = starPolygon({
      center: fc.integer({ min: 200, max: 90_000 }),
      radius: fc.double({ min: 20, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(star, fc.boolean(), (r, reverse) => {
        const ring = reverse ? [...r].reverse() : r;
        // Random radii can make a vertex collinear with the centre's neighbours; most pass.
        if (isStarSimple(ring)) expect(findRingContacts([open(ring)]).found).toBe(false);
        return true;
      }),
    );
    expect(
      isStarSimple(
        closed([
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
        ]),
      ),
    ).toBe(true);
    expect(
      isStarSimple(
        closed([
          [0, 0],
          [0, 10],
          [10, 10],
          [10, 0],
        ]),
      ),
    ).toBe(true);
  });

  it('leaves bow-ties, spikes, repeated points, double windings and open rings to the full search', () => {
    expect(
      isStarSimple(
        closed([
          [0, 0],
          [2, 2],
          [2, 0],
          [0, 2],
        ]),
      ),
    ).toBe(false); // bow-tie
    expect(
      isStarSimple(
        closed([
          [0, 0],
          [4, 0],
          [2, 0],
          [2, 3],
        ]),
      ),
    ).toBe(false); // spike
    expect(
      isStarSimple(
        closed([
          [0, 0],
          [4, 0],
          [4, 0],
          [4, 4],
          [0, 4],
        ]),
      ),
    ).toBe(false); // repeat
    const twice = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => {
      const a = (k / 5) * 2 * Math.PI;
      return [10 * Math.cos(a), 10 * Math.sin(a)];
    });
    expect(isStarSimple(closed(twice))).toBe(false); // a pentagram-like double winding
    expect(
      isStarSimple([
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
      ]),
    ).toBe(false); // not closed
    expect(
      isStarSimple(
        closed([
          [0, 0],
          [4, 0],
        ]),
      ),
    ).toBe(false);
  });

  it('keeps repairGeometry unchanged: a star-simple polygon comes back as the same object', () => {
    const g = {
      type: 'Polygon' as const,
      coordinates: [
        closed([
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
        ]),
      ],
    };
    const r = repairGeometry(g);
    expect(r.ok && r.geometry === g && !r.changed).toBe(true);
  });
});

describe('isSimplePolygon (the repair fast path for polygons with holes)', () => {
  const star = (cx: fc.Arbitrary<number>, r: fc.Arbitrary<number>) => starPolygon({ center: cx, radius: r });
  const polygon = fc.tuple(
    star(fc.constant(50), fc.integer({ min: 20, max: 40 })),
    fc.array(star(fc.integer({ min: 10, max: 90 }), fc.integer({ min: 2, max: 25 })), { maxLength: 3 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  );

  it('never proves a polygon the full checks reject (property, holes placed at random)', () => {
    let proven = 0;
    let rejected = 0;
    fc.assert(
      fc.property(polygon, ([shell, holes, flips]) => {
        const rings = [shell, ...holes.map((h, i) => (flips[i] ? [...h].reverse() : h))];
        if (!isSimplePolygon(rings)) {
          rejected++;
          return;
        }
        proven++;
        expect(findRingContacts(rings.map(open)).found).toBe(false);
        expect(nestingIsValid([rings.map(open)])).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(proven).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
  });

  it('refuses a hole touching or crossing its exterior, outside it, or inside another hole', () => {
    const shell = closed([
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ]);
    const hole = (ps: number[][]) => closed(ps);
    expect(
      isSimplePolygon([
        shell,
        hole([
          [2, 2],
          [4, 2],
          [4, 4],
          [2, 4],
        ]),
      ]),
    ).toBe(true);
    expect(
      isSimplePolygon([
        shell,
        hole([
          [0, 2],
          [4, 2],
          [4, 4],
          [2, 4],
        ]),
      ]),
    ).toBe(false); // touches
    expect(
      isSimplePolygon([
        shell,
        hole([
          [-1, 2],
          [4, 2],
          [4, 4],
          [2, 4],
        ]),
      ]),
    ).toBe(false); // crosses
    expect(
      isSimplePolygon([
        shell,
        hole([
          [12, 2],
          [14, 2],
          [14, 4],
          [12, 4],
        ]),
      ]),
    ).toBe(false); // outside
    const big = hole([
      [1, 1],
      [9, 1],
      [9, 9],
      [1, 9],
    ]);
    expect(
      isSimplePolygon([
        shell,
        big,
        hole([
          [2, 2],
          [4, 2],
          [4, 4],
          [2, 4],
        ]),
      ]),
    ).toBe(false); // nested
  });
});
