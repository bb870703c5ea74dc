import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/resources/types.js';
import { AnnotationMatcher, parseWktGeometry } from '../../src/upload/annotation-matcher.js';

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
