import type { Feature, ImageBatch, PipelineWarning } from '@cytorx/core';
import {
  clipToImage,
  groupByImage,
  imageBatch,
  mapClasses,
  parseWkt,
  repair,
  resolveTerms,
  scale,
  tile,
  toCytomineSpace,
  toImageSpace,
  zoom,
} from '@cytorx/core';
import type { OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ann, feat, IMG1, IMG2, polygon, rect, TERMS } from './fixtures.js';

/**
 * The operator contract, for every operator: values, source error, callback error, empty
 * source, completion, early unsubscribe. Each case gives three inputs a, b, c and the exact
 * outputs expected for `-a-b-c|` (a marble string plus values).
 */
interface Case {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a table of operators with different types
  make: (onWarning: (w: PipelineWarning) => void) => OperatorFunction<any, any>;
  inputs: { a: unknown; b: unknown; c: unknown };
  /** Output for `-a-b-c|`. */
  out: string;
  values: Record<string, unknown>;
  /** Output for `-a-#` (what a alone produces before the error). */
  outError: string;
  /** Output for `|`. */
  outEmpty?: string;
  emptyValues?: Record<string, unknown>;
  /** Input values and output for a failing callback; omitted when the operator takes none. */
  callback?: {
    // biome-ignore lint/suspicious/noExplicitAny: a table of operators with different types
    make: () => OperatorFunction<any, any>;
    inputs: Record<string, unknown>;
    src: string;
    out: string;
    values: Record<string, unknown>;
    error: unknown;
  };
}

const boom = new Error('boom');
const throwingSink = () => {
  throw boom;
};
const sq = (x: number, y: number, s: number) => rect(x, y, x + s, y + s);
const fA = feat(1, IMG1, sq(10, 10, 10));
const fB = feat(2, IMG1, sq(200, 10, 10));
const fC = feat(3, IMG2, sq(0, 0, 5), { termIds: [10] });

const cases: Case[] = [
  {
    name: 'parseWkt',
    make: (onWarning) => parseWkt({ images: new Map([[1, IMG1]]), onWarning }),
    inputs: {
      a: ann(1, 1, 'POINT (3 4)', [10]),
      b: ann(2, 1, 'POLYGON ((0 0, 1'),
      c: ann(3, 1, 'LINESTRING (0 0, 5 5)'),
    },
    out: '-a---c|',
    values: {
      a: expect.objectContaining({
        id: 1,
        annotationId: 1,
        frame: 'cytomine',
        scale: 1,
        termIds: [10],
        geometry: { type: 'Point', coordinates: [3, 4] },
      }),
      c: expect.objectContaining({
        id: 3,
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [5, 5],
          ],
        },
      }),
    },
    outError: '-a-#',
    callback: {
      make: () =>
        parseWkt({
          images: (id) => {
            if (id === 2) throw boom;
            return IMG1;
          },
        }),
      inputs: { a: ann(1, 1, 'POINT (3 4)'), b: ann(2, 2, 'POINT (3 4)') },
      src: '-a-b-',
      out: '-a-#',
      values: { a: expect.objectContaining({ id: 1 }) },
      error: boom,
    },
  },
  {
    name: 'toImageSpace',
    make: () => toImageSpace(),
    inputs: {
      a: feat(1, IMG1, { type: 'Point', coordinates: [3, 4] }, { frame: 'cytomine' }),
      b: feat(2, IMG1, { type: 'Point', coordinates: [0, 50] }, { frame: 'cytomine' }),
      c: feat(3, IMG1, { type: 'Point', coordinates: [9, 9] }),
    },
    out: '-a-b-c|',
    values: {
      a: feat(1, IMG1, { type: 'Point', coordinates: [3, 46] }),
      b: feat(2, IMG1, { type: 'Point', coordinates: [0, 0] }),
      c: feat(3, IMG1, { type: 'Point', coordinates: [9, 9] }),
    },
    outError: '-a-#',
    callback: {
      make: () => toImageSpace(),
      inputs: {
        a: feat(1, IMG1, { type: 'Point', coordinates: [3, 4] }, { frame: 'cytomine' }),
        b: feat(
          2,
          { id: 7, width: 10, height: Number.NaN },
          { type: 'Point', coordinates: [3, 4] },
          { frame: 'cytomine' },
        ),
      },
      src: '-a-b-',
      out: '-a-#',
      values: { a: feat(1, IMG1, { type: 'Point', coordinates: [3, 46] }) },
      error: expect.objectContaining({ code: 'CYTORX_INVALID_GEOMETRY', annotationId: 2, imageId: 7 }),
    },
  },
  {
    name: 'toCytomineSpace',
    make: () => toCytomineSpace(),
    inputs: {
      a: feat(1, IMG1, { type: 'Point', coordinates: [3, 46] }),
      b: feat(2, IMG1, { type: 'Point', coordinates: [0, 0] }),
      c: feat(3, IMG1, { type: 'Point', coordinates: [9, 9] }, { frame: 'cytomine' }),
    },
    out: '-a-b-c|',
    values: {
      a: feat(1, IMG1, { type: 'Point', coordinates: [3, 4] }, { frame: 'cytomine' }),
      b: feat(2, IMG1, { type: 'Point', coordinates: [0, 50] }, { frame: 'cytomine' }),
      c: feat(3, IMG1, { type: 'Point', coordinates: [9, 9] }, { frame: 'cytomine' }),
    },
    outError: '-a-#',
    callback: {
      make: () => toCytomineSpace(),
      inputs: { a: fA, b: feat(2, { id: 7, width: 10, height: -1 }, sq(0, 0, 1)) },
      src: '-a-b-',
      out: '-a-#',
      values: { a: expect.objectContaining({ id: 1, frame: 'cytomine' }) },
      error: expect.objectContaining({ code: 'CYTORX_INVALID_GEOMETRY' }),
    },
  },
  {
    name: 'resolveTerms',
    make: (onWarning) => resolveTerms(TERMS, { onWarning }),
    inputs: {
      a: feat(1, IMG1, sq(0, 0, 1), { termIds: [10, 99] }),
      b: fA,
      c: feat(3, IMG1, sq(0, 0, 1), { termIds: [30] }),
    },
    out: '-a-b-c|',
    values: {
      a: { ...feat(1, IMG1, sq(0, 0, 1), { termIds: [10, 99] }), terms: [TERMS[1]] },
      b: { ...fA, terms: [] },
      c: { ...feat(3, IMG1, sq(0, 0, 1), { termIds: [30] }), terms: [TERMS[0]] },
    },
    outError: '-a-#',
    callback: {
      make: () =>
        resolveTerms((id) => {
          if (id === 99) throw boom;
          return TERMS[0];
        }),
      inputs: { a: fC, b: feat(2, IMG1, sq(0, 0, 1), { termIds: [99] }) },
      src: '-a-b-',
      out: '-a-#',
      values: { a: { ...fC, terms: [TERMS[0]] } },
      error: boom,
    },
  },
  {
    name: 'mapClasses',
    make: (onWarning) => mapClasses({ terms: TERMS, multiTerm: 'skip', onWarning }),
    inputs: { a: fC, b: feat(2, IMG1, sq(0, 0, 1), { termIds: [10, 20] }), c: fA },
    out: '-a---c|',
    values: {
      a: { ...fC, classId: 1, className: 'stroma' },
      c: { ...fA, classId: 255, className: 'unlabeled' },
    },
    outError: '-a-#',
    callback: {
      make: () => mapClasses({ terms: TERMS, onWarning: throwingSink }),
      inputs: { a: fC, b: fA },
      src: '-a-b-',
      out: '-a-#',
      values: { a: { ...fC, classId: 1, className: 'stroma' } },
      error: boom,
    },
  },
  {
    name: 'clipToImage',
    make: (onWarning) => clipToImage({ onWarning }),
    inputs: {
      a: fA,
      b: fB,
      c: feat(3, IMG1, {
        type: 'LineString',
        coordinates: [
          [90, 10],
          [110, 10],
        ],
      }),
    },
    out: '-a---c|',
    values: {
      a: fA,
      c: feat(3, IMG1, {
        type: 'LineString',
        coordinates: [
          [90, 10],
          [100, 10],
        ],
      }),
    },
    outError: '-a-#',
    callback: {
      make: () => clipToImage({ onWarning: throwingSink }),
      inputs: { a: fA, b: fB },
      src: '-a-b-',
      out: '-a-#',
      values: { a: fA },
      error: boom,
    },
  },
  {
    name: 'repair',
    make: (onWarning) => repair({ onWarning }),
    inputs: {
      a: fA,
      b: feat(
        2,
        IMG1,
        polygon([
          [0, 0],
          [4, 0],
          [8, 0],
          [0, 0],
        ]),
      ),
      c: feat(
        3,
        IMG1,
        polygon([
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 4],
        ]),
      ),
    },
    out: '-a---c|',
    values: { a: fA, c: feat(3, IMG1, rect(0, 0, 4, 4)) },
    outError: '-a-#',
    callback: {
      make: () => repair({ onWarning: throwingSink }),
      inputs: {
        a: fA,
        b: feat(
          2,
          IMG1,
          polygon([
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
          ]),
        ),
      },
      src: '-a-b-',
      out: '-a-#',
      values: { a: fA },
      error: boom,
    },
  },
  {
    name: 'scale',
    make: () => scale(0.5),
    inputs: {
      a: fA,
      b: feat(2, IMG1, { type: 'Point', coordinates: [3, 5] }),
      c: feat(3, IMG1, { type: 'Point', coordinates: [0, 1] }, { scale: 0.5 }),
    },
    out: '-a-b-c|',
    values: {
      a: feat(1, IMG1, sq(5, 5, 5), { scale: 0.5 }),
      b: feat(2, IMG1, { type: 'Point', coordinates: [1.5, 2.5] }, { scale: 0.5 }),
      c: feat(3, IMG1, { type: 'Point', coordinates: [0, 0.5] }, { scale: 0.25 }),
    },
    outError: '-a-#',
  },
  {
    name: 'zoom',
    make: () => zoom(1),
    inputs: { a: fA, b: fA, c: fA },
    out: '-a-b-c|',
    values: {
      a: feat(1, IMG1, sq(5, 5, 5), { scale: 0.5 }),
      b: feat(1, IMG1, sq(5, 5, 5), { scale: 0.5 }),
      c: feat(1, IMG1, sq(5, 5, 5), { scale: 0.5 }),
    },
    outError: '-a-#',
  },
  {
    name: 'groupByImage',
    make: () => groupByImage({ images: [IMG1, IMG2, { id: 3, width: 8, height: 8 }] }),
    inputs: { a: fA, b: fB, c: fC },
    out: '-----x(yz|)',
    values: {
      x: imageBatch(IMG1, [fA, fB]),
      y: imageBatch(IMG2, [fC]),
      z: imageBatch({ id: 3, width: 8, height: 8 }, []),
    },
    outError: '---#',
    outEmpty: '(xyz|)',
    emptyValues: {
      x: imageBatch(IMG1, []),
      y: imageBatch(IMG2, []),
      z: imageBatch({ id: 3, width: 8, height: 8 }, []),
    },
    callback: {
      make: () => groupByImage(),
      inputs: { a: fA, b: fC, c: fB },
      src: '-a-b-c-',
      out: '---x-#',
      values: { x: imageBatch(IMG1, [fA]) },
      error: expect.objectContaining({ code: 'CYTORX_CONFIG' }),
    },
  },
  {
    name: 'tile',
    make: () => tile({ size: 64, select: 'annotated' }),
    inputs: {
      a: imageBatch(IMG1, [fA]),
      b: imageBatch(IMG2, []),
      c: imageBatch(IMG1, [feat(4, IMG1, sq(20, 10, 8))]),
    },
    out: '-a---c|',
    values: {
      a: {
        ...imageBatch(IMG1, [fA]),
        canvas: { x: 0, y: 0, width: 64, height: 50, scale: 1 },
        tile: { col: 0, row: 0 },
      },
      c: {
        image: IMG1,
        canvas: { x: 0, y: 0, width: 64, height: 50, scale: 1 },
        tile: { col: 0, row: 0 },
        features: [feat(4, IMG1, sq(20, 10, 8))],
      },
    },
    outError: '-a-#',
  },
];

describe.each(cases)('$name: operator contract (marbles)', (c) => {
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it('emits the expected values and completes', () => {
    const warnings: PipelineWarning[] = [];
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c|', c.inputs);
      expectObservable(src.pipe(c.make((w) => warnings.push(w)))).toBe(c.out, c.values);
      expectSubscriptions(src.subscriptions).toBe('^-----!');
    });
    for (const w of warnings) {
      expect(w.stage).toBe(c.name);
      expect(typeof w.message).toBe('string');
      expect(w.annotationId).toBeTypeOf('number');
      expect(w.imageId).toBeTypeOf('number');
    }
  });

  it('forwards a source error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a-#', c.inputs, boom);
      expectObservable(src.pipe(c.make(() => {}))).toBe(c.outError, c.values, boom);
    });
  });

  it('completes on an empty source', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('|').pipe(c.make(() => {}))).toBe(c.outEmpty ?? '|', c.emptyValues ?? {});
    });
  });

  it('unsubscribes from the source on early unsubscribe', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c|', c.inputs);
      const out = c.out.replace(/[-|()]/g, '').length > 0 && c.name !== 'groupByImage' ? '-a-' : '---';
      expectObservable(src.pipe(c.make(() => {})), '^--!').toBe(out, c.values);
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  // Operators without a callback (scale, zoom, tile) have no such case: see the next describe.
  const cb = c.callback;
  if (cb !== undefined) {
    it('sends a callback error downstream', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const src = cold(cb.src, cb.inputs);
        expectObservable(src.pipe(cb.make())).toBe(cb.out, cb.values, cb.error);
        expectSubscriptions(src.subscriptions).toBe(`^${'-'.repeat(cb.out.indexOf('#') - 1)}!`);
      });
    });
  }
});

describe('operators without a callback', () => {
  it('scale, zoom and tile reject bad options synchronously with ConfigError', () => {
    expect(() => scale(0)).toThrow(expect.objectContaining({ code: 'CYTORX_CONFIG' }));
    expect(() => scale(Number.NaN)).toThrow(/positive finite/);
    expect(() => zoom(0.5)).toThrow(expect.objectContaining({ code: 'CYTORX_CONFIG' }));
    expect(() => tile({ size: 0 })).toThrow(/positive integer/);
    expect(() => tile({ size: 10, overlap: 10 })).toThrow(/overlap/);
    expect(() => tile({ size: 10, select: { minCoverage: 0 } })).toThrow(/minCoverage/);
  });

  it('a Feature type flows through a composed pipeline', () => {
    const f: Feature = fA;
    const b: ImageBatch = imageBatch(IMG1, [f]);
    expect(b.canvas).toEqual({ x: 0, y: 0, width: 100, height: 50, scale: 1 });
  });
});
