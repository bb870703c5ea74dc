import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotationParams } from '../../src/resources/annotation-query.js';
import {
  normalizeAnnotation,
  normalizeDates,
  normalizeOwnedAnnotation,
  toEpochMs,
  toTermIds,
} from '../../src/resources/normalize.js';

describe('annotation quirks', () => {
  it('term: array, scalar, missing or null all become an array', () => {
    expect(toTermIds([3, 1])).toEqual([3, 1]);
    expect(toTermIds(7)).toEqual([7]);
    expect(toTermIds('7')).toEqual([7]);
    expect(toTermIds(undefined)).toEqual([]);
    expect(toTermIds(null)).toEqual([]);
    expect(toTermIds([])).toEqual([]);
    expect(toTermIds([{ id: 4 }, 4, 5])).toEqual([4, 5]);
  });

  it('created/updated: numbers or strings of epoch ms become numbers', () => {
    expect(toEpochMs(1700000000000)).toBe(1700000000000);
    expect(toEpochMs('1700000000000')).toBe(1700000000000);
    expect(toEpochMs('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(toEpochMs(null)).toBeUndefined();
    expect(toEpochMs('')).toBeUndefined();
    expect(toEpochMs('never')).toBeUndefined();
  });

  it('listing row (numbers, scalar term) and single GET (strings, array) normalise the same', () => {
    const listed = normalizeAnnotation({ id: 9, image: 3, created: 1700000000000, updated: null, term: 4 });
    const single = normalizeAnnotation({ id: 9, image: 3, created: '1700000000000', term: [4] });
    expect(listed).toEqual({ id: 9, image: 3, created: 1700000000000, term: [4] });
    expect(single).toEqual(listed);
    expect('updated' in listed).toBe(false);
  });

  it('a row without the term column gets term []', () => {
    expect(normalizeAnnotation({ id: 1, location: 'POINT (1 2)' })).toEqual({
      id: 1,
      location: 'POINT (1 2)',
      term: [],
    });
  });

  it('normalizeDates leaves other keys alone and drops unreadable dates', () => {
    expect(normalizeDates({ id: 1, name: 'p', created: '12', updated: null, ontology: null })).toEqual({
      id: 1,
      name: 'p',
      created: 12,
      ontology: null,
    });
  });
});

describe('normalizeOwnedAnnotation', () => {
  const value = fc.oneof(
    fc.constant(null),
    fc.integer({ min: 0, max: 50 }),
    fc.constantFrom('1700000000000', '2024-01-01T00:00:00Z', 'never', '', '12'),
    fc.array(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.record({ id: fc.integer({ min: 1, max: 5 }) })), {
      maxLength: 4,
    }),
    fc.double(),
  );
  const row = fc.dictionary(
    fc.constantFrom('id', 'term', 'created', 'updated', 'deleted', 'image', 'location', 'user', 'x'),
    value,
  );

  it('gives what normalizeAnnotation gives, keys in the same order (property)', () => {
    fc.assert(
      fc.property(row, (raw) => {
        const want = normalizeAnnotation(raw);
        const got = normalizeOwnedAnnotation(structuredClone(raw));
        expect(got).toEqual(want);
        expect(Object.keys(got)).toEqual(Object.keys(want));
      }),
      { numRuns: 500 },
    );
  });

  it('normalises a usual listing row in place, without a copy', () => {
    const raw = { id: 9, image: 3, created: 1700000000000, term: [4, 5], location: 'POINT (1 2)' };
    expect(normalizeOwnedAnnotation(raw)).toBe(raw);
    const scalar = { id: 9, term: 4 };
    expect(normalizeOwnedAnnotation(scalar)).toBe(scalar);
    expect(scalar.term).toEqual([4]);
    const withNull = { id: 9, updated: null, term: [4] };
    const copy = normalizeOwnedAnnotation(withNull);
    expect(copy).not.toBe(withNull);
    expect('updated' in copy).toBe(false);
  });
});

describe('annotationParams', () => {
  it('needs a container filter', () => {
    expect(() => annotationParams({ terms: [1] })).toThrow(/project, image, images, slice or slices/);
    expect(() => annotationParams({ images: [] })).toThrow(/CYTORX_CONFIG|project/);
  });

  it('comma-joins lists, converts dates, defaults show groups, never repeats a key', () => {
    const params = annotationParams({
      image: 5,
      terms: [1, 2, 3],
      users: [7],
      afterThan: new Date(1000),
      beforeThan: 2000,
      bbox: [0, 0, 10, 20],
      noTerm: false,
      showGIS: true,
      showWKT: false,
      extra: { image: 99, max: 5, kmeansValue: 3, custom: 'x' },
    });
    expect(params).toEqual({
      image: 5,
      users: '7',
      terms: '1,2,3',
      noTerm: false,
      bbox: '0,0,10,20',
      afterThan: 1000,
      beforeThan: 2000,
      showMeta: true,
      showGIS: true,
      showTerm: true,
      kmeansValue: 3,
      custom: 'x',
    });
  });
});
