import type { Feature, Geometry, Position } from '@cytorx/core';
import {
  orientGeometry,
  reverseRing,
  ringSignedArea,
  scale,
  toCytomineSpace,
  toImageSpace,
  zoom,
} from '@cytorx/core';
import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { anyGeometry } from '../geometry/arbitraries.js';
import { feat } from './fixtures.js';

/** Synchronous pipe of one feature through operators. */
function run1(f: Feature, ...ops: OperatorFunction<Feature, Feature>[]): Feature {
  let result: Feature | undefined;
  let source = from([f]);
  for (const op of ops) source = source.pipe(op);
  source.subscribe((x) => {
    result = x;
  });
  return result!;
}

const IMG = { id: 3, width: 200, height: 100 };

describe('toImageSpace / toCytomineSpace', () => {
  it('flips by hand: y_img = H - y, and reorients the exterior (first vertex kept)', () => {
    // Counter-clockwise in Cytomine's y-up frame (positive shoelace), as Cytomine stores it.
    const cyto: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [10, 10],
          [20, 10],
          [20, 30],
          [10, 30],
          [10, 10],
        ],
      ],
    };
    const img = run1(feat(1, IMG, cyto, { frame: 'cytomine' }), toImageSpace());
    expect(img.frame).toBe('image');
    // y: 10 -> 90, 30 -> 70; the flipped ring is negative, so it is reversed keeping [10, 90].
    expect(img.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [10, 90],
          [10, 70],
          [20, 70],
          [20, 90],
          [10, 90],
        ],
      ],
    });
    expect(
      ringSignedArea((img.geometry as { coordinates: [number, number][][] }).coordinates[0]!),
    ).toBeGreaterThan(0);
    const back = run1(img, toCytomineSpace());
    expect(back.frame).toBe('cytomine');
    expect(back.geometry).toEqual(cyto);
  });

  it('maps the image rectangle onto itself and holes get negative area', () => {
    const g: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [200, 0],
          [200, 100],
          [0, 100],
          [0, 0],
        ],
        [
          [50, 50],
          [50, 60],
          [60, 60],
          [60, 50],
          [50, 50],
        ],
      ],
    };
    const img = run1(feat(1, IMG, g, { frame: 'cytomine' }), toImageSpace()).geometry as Extract<
      Geometry,
      { type: 'Polygon' }
    >;
    expect(img.coordinates[0]).toEqual([
      [0, 100],
      [0, 0],
      [200, 0],
      [200, 100],
      [0, 100],
    ]);
    expect(ringSignedArea(img.coordinates[0]!)).toBe(20000);
    expect(ringSignedArea(img.coordinates[1]!)).toBe(-100);
  });

  it('is idempotent on features already in the target frame (same object)', () => {
    const f = feat(1, IMG, { type: 'Point', coordinates: [1, 2] });
    expect(run1(f, toImageSpace())).toBe(f);
    const c = feat(1, IMG, { type: 'Point', coordinates: [1, 2] }, { frame: 'cytomine' });
    expect(run1(c, toCytomineSpace())).toBe(c);
  });

  it('uses the scaled height for scaled features', () => {
    const f = feat(1, IMG, { type: 'Point', coordinates: [10, 10] }, { frame: 'cytomine' });
    expect(run1(f, scale(0.5), toImageSpace()).geometry).toEqual({ type: 'Point', coordinates: [5, 45] });
    expect(run1(f, toImageSpace(), scale(0.5)).geometry).toEqual({ type: 'Point', coordinates: [5, 45] });
  });

  it('property: toCytomineSpace(toImageSpace(g)) is exactly orientGeometry(g) on the 1/256 grid (= g when g is normalised)', () => {
    fc.assert(
      fc.property(anyGeometry(), fc.integer({ min: 1, max: 2 ** 20 }), (g, h) => {
        const image = { id: 1, width: 10, height: h };
        const f = feat(1, image, g, { frame: 'cytomine' });
        const back = run1(f, toImageSpace(), toCytomineSpace());
        expect(back.geometry).toEqual(orientGeometry(g));
        const normalised = feat(1, image, orientGeometry(g), { frame: 'cytomine' });
        expect(run1(normalised, toImageSpace(), toCytomineSpace()).geometry).toEqual(normalised.geometry);
      }),
    );
  });

  it('property: arbitrary doubles come back within one ulp of max(H, |y|); only near-zero-area rings may flip direction', () => {
    // H − (H − y) is not always y in floating point, and a ring whose signed area is within
    // rounding of 0 may be reversed in one pass and not the other (same start vertex).
    const coord = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    const polygonal = fc
      .oneof(anyGeometry(coord))
      .filter((g) => g.type === 'Polygon' || g.type === 'MultiPolygon');
    fc.assert(
      fc.property(polygonal, fc.double({ min: 1, max: 1e6, noNaN: true }), (g, h) => {
        const image = { id: 1, width: 10, height: h };
        const input = orientGeometry(g);
        const back = run1(
          feat(1, image, input, { frame: 'cytomine' }),
          toImageSpace(),
          toCytomineSpace(),
        ).geometry;
        const rings = (x: Geometry): Position[][] =>
          x.type === 'Polygon' ? x.coordinates : x.type === 'MultiPolygon' ? x.coordinates.flat() : [];
        const close = (a: Position[], b: Position[]): boolean =>
          a.length === b.length &&
          a.every((p, i) =>
            [0, 1].every(
              (k) => Math.abs(p[k]! - b[i]![k]!) <= Number.EPSILON * Math.max(h, Math.abs(b[i]![k]!)),
            ),
          );
        const bad = rings(back).filter((r, i) => {
          const orig = rings(input)[i]!;
          if (close(r, orig)) return false;
          const nearZero = Math.abs(ringSignedArea(orig)) <= 1e-6 * Math.max(1, h) ** 2;
          return !(nearZero && close(reverseRing(r), orig));
        });
        expect(bad).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('property: zoom(z) then zoom(-z) gives the feature back exactly (geometry and scale)', () => {
    const coord = fc
      .double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true })
      .filter((v) => v === 0 || Math.abs(v) > 2 ** -900);
    fc.assert(
      fc.property(anyGeometry(coord), fc.integer({ min: -30, max: 30 }), (g, z) => {
        const f = feat(1, IMG, g);
        const back = run1(f, zoom(z), zoom(-z));
        expect(back.geometry).toEqual(g);
        expect(back.scale).toBe(1);
        expect(run1(f, zoom(z)).scale).toBe(2 ** -z);
      }),
    );
  });
});
