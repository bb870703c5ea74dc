import { describe, expect, it } from 'vitest';
import { toWkt } from '../../src/geometry/to-wkt.js';
import type { Geometry, Position } from '../../src/pipeline/types.js';
import type { Annotation } from '../../src/resources/types.js';
import { AnnotationMatcher, parseWktGeometry } from '../../src/upload/annotation-matcher.js';
import { simplifyToCap } from '../../src/upload/simplify.js';

const ann = (id: number, location: string, term: number[], image = 1): Annotation => ({
  id,
  location,
  term,
  image,
});

describe('AnnotationMatcher', () => {
  const listed = [
    ann(1, 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))', [5]),
    // same square, another start vertex and orientation
    ann(2, 'POLYGON ((10 10, 10 0, 0 0, 0 10, 10 10))', [5]),
    ann(3, 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))', [6]),
    ann(4, 'POINT (3 4)', [5, 6]),
  ];

  it('matches by image, terms (as a set) and vertices whatever the ring start or orientation', () => {
    const m = new AnnotationMatcher(listed, () => false);
    const sq = parseWktGeometry('POLYGON ((0 0, 0 10, 10 10, 10 0, 0 0))')!;
    expect(m.take(1, [5], sq)).toBe(1);
    expect(m.take(1, [5], sq)).toBe(2);
    expect(m.take(1, [5], sq)).toBeUndefined();
    expect(m.take(1, [6], sq)).toBe(3);
    expect(m.take(1, [6, 5], parseWktGeometry('POINT (3 4)')!)).toBe(4);
  });

  it('skips ids already accounted for, other images and other shapes', () => {
    const m = new AnnotationMatcher(listed, (id) => id === 1);
    const sq = parseWktGeometry('POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))')!;
    expect(m.take(2, [5], sq)).toBeUndefined();
    expect(m.take(1, [5], parseWktGeometry('POLYGON ((0 0, 11 0, 10 10, 0 10, 0 0))')!)).toBeUndefined();
    expect(m.take(1, [5], sq)).toBe(2);
  });
});

function star(n: number, cx: number, cy: number, r: number): Geometry {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const rr = r * (0.8 + 0.2 * Math.sin(i * 0.7));
    ring.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

describe('AnnotationMatcher with server-side simplification', () => {
  it('matches a large polygon the server simplified, to the right one of two neighbours', () => {
    const big = star(300, 500, 500, 100);
    const near = star(300, 530, 500, 100);
    const simplified = (g: Geometry): string =>
      toWkt({
        type: 'Polygon',
        coordinates: simplifyToCap([(g as { coordinates: Position[][] }).coordinates], 120)![0]!,
      });
    const m = new AnnotationMatcher(
      [ann(10, simplified(near), [5]), ann(11, simplified(big), [5])],
      () => false,
    );
    expect(m.take(1, [5], big)).toBe(11);
    expect(m.take(1, [5], near)).toBe(10);
    expect(m.take(1, [5], big)).toBeUndefined();
  });

  it('never matches small polygons loosely', () => {
    const m = new AnnotationMatcher([ann(1, 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))', [5])], () => false);
    expect(
      m.take(1, [5], parseWktGeometry('POLYGON ((0 0, 10 0, 10 10, 5 11, 0 10, 0 0))')!),
    ).toBeUndefined();
  });
});
