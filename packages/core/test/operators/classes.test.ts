import type { ClassMapping, Feature, PipelineWarning } from '@cytorx/core';
import {
  classMappingToJson,
  DERIVED_ID_FACTOR,
  defaultClassMapping,
  derivedFeatureId,
  isCytorxError,
  mapClasses,
  parseClassMapping,
  parseFeatureId,
  resolveTerms,
} from '@cytorx/core';
import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { feat, IMG1, rect, TERMS } from './fixtures.js';

function run(
  features: Feature[],
  op: OperatorFunction<Feature, Feature>,
): { out: Feature[]; warnings: PipelineWarning[] } {
  const out: Feature[] = [];
  from(features)
    .pipe(op)
    .subscribe((f) => out.push(f));
  return { out, warnings: [] };
}

const withTerms = (id: number, termIds: number[]) => feat(id, IMG1, rect(0, 0, 1, 1), { termIds });

describe('defaultClassMapping', () => {
  it('numbers the terms sorted by id 1..N, with names and colours', () => {
    expect(defaultClassMapping(TERMS)).toEqual({
      background: 0,
      unlabeled: 255,
      classes: [
        { id: 1, name: 'stroma', color: '#00ff00', termIds: [10] },
        { id: 2, name: 'necrosis', color: '#0000ff', termIds: [20] },
        { id: 3, name: 'tumour', color: '#ff0000', termIds: [30] },
      ],
    });
  });

  it('skips a custom unlabeled id and rejects more terms than 8-bit ids hold', () => {
    expect(defaultClassMapping(TERMS, { unlabeled: 2 }).classes.map((c) => c.id)).toEqual([1, 3, 4]);
    const many = Array.from({ length: 254 }, (_, i) => ({ id: i + 1, name: `t${i}` }));
    expect(defaultClassMapping(many).classes.at(-1)!.id).toBe(254);
    expect(() => defaultClassMapping([...many, { id: 999, name: 'x' }])).toThrow(
      /255 terms, more than the 8-bit class ids/,
    );
    expect(() => defaultClassMapping(TERMS, { unlabeled: 0 })).toThrow(
      expect.objectContaining({ code: 'CYTORX_CONFIG' }),
    );
  });
});

describe('classes.json', () => {
  it('round-trips through classMappingToJson / parseClassMapping', () => {
    const m = defaultClassMapping(TERMS);
    const text = classMappingToJson(m);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseClassMapping(text)).toEqual(m);
    expect(JSON.parse(text).classes[0]).toEqual({ id: 1, name: 'stroma', color: '#00ff00', termIds: [10] });
  });

  it.each([
    ['not json {', 'my.json: not valid JSON'],
    ['[]', 'my.json: top level must be an object'],
    ['{"background":1,"classes":[]}', 'my.json: background must be 0, got 1'],
    ['{"unlabeled":0,"classes":[]}', 'my.json: unlabeled must be an integer in 1..255, got 0'],
    ['{"classes":{}}', 'my.json: classes must be an array'],
    [
      '{"classes":[{"id":255,"name":"a","termIds":[]}]}',
      'my.json: classes[0].id must be an integer in 1..254, got 255',
    ],
    ['{"classes":[{"id":0,"name":"a","termIds":[]}]}', 'classes[0].id must be an integer in 1..254, got 0'],
    [
      '{"classes":[{"id":1.5,"name":"a","termIds":[]}]}',
      'classes[0].id must be an integer in 1..254, got 1.5',
    ],
    [
      '{"classes":[{"id":1,"name":"a","termIds":[]},{"id":1,"name":"b","termIds":[]}]}',
      'classes[1].id 1 is already used by classes[0]',
    ],
    [
      '{"unlabeled":7,"classes":[{"id":7,"name":"a","termIds":[]}]}',
      'classes[0].id 7 collides with unlabeled (7)',
    ],
    ['{"classes":[{"id":1,"name":"","termIds":[]}]}', 'classes[0].name must be a non-empty string'],
    [
      '{"classes":[{"id":1,"name":"a","color":"red","termIds":[]}]}',
      'classes[0].color must be "#RRGGBB", got "red"',
    ],
    ['{"classes":[{"id":1,"name":"a"}]}', 'classes[0].termIds must be an array of term ids'],
    [
      '{"classes":[{"id":1,"name":"a","termIds":["x"]}]}',
      'classes[0].termIds must hold integer term ids, got "x"',
    ],
    [
      '{"classes":[{"id":1,"name":"a","termIds":[5]},{"id":2,"name":"b","termIds":[5]}]}',
      'classes[1].termIds term 5 is already mapped by classes[0]',
    ],
  ])('rejects %s with a clear ConfigError', (json, message) => {
    let error: unknown;
    try {
      parseClassMapping(json, { source: 'my.json' });
    } catch (e) {
      error = e;
    }
    expect(isCytorxError(error, 'CYTORX_CONFIG')).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it('accepts a file without background/unlabeled (defaults 0 and 255) and several terms per class', () => {
    expect(parseClassMapping({ classes: [{ id: 4, name: 'tissue', termIds: [10, 20] }] })).toEqual({
      background: 0,
      unlabeled: 255,
      classes: [{ id: 4, name: 'tissue', termIds: [10, 20] }],
    });
  });
});

describe('mapClasses', () => {
  const collect = (op: OperatorFunction<Feature, Feature>, fs: Feature[]) => run(fs, op).out;

  it('defaults: no term and unmapped term -> 255 with warnings (not skipped); mapped term -> its class', () => {
    const warnings: PipelineWarning[] = [];
    const out = collect(mapClasses({ terms: TERMS, onWarning: (w) => warnings.push(w) }), [
      withTerms(1, [20]),
      withTerms(2, []),
      withTerms(3, [99]),
    ]);
    expect(out.map((f) => [f.id, f.classId, f.className])).toEqual([
      [1, 2, 'necrosis'],
      [2, 255, 'unlabeled'],
      [3, 255, 'unlabeled'],
    ]);
    expect(warnings.map((w) => [w.annotationId, w.code, w.skipped, w.stage])).toEqual([
      [2, 'NO_TERM', false, 'mapClasses'],
      [3, 'UNMAPPED_TERM', false, 'mapClasses'],
    ]);
  });

  it('configurable unlabeled id and name', () => {
    const out = collect(mapClasses({ terms: TERMS, unlabeled: 200, unlabeledName: 'other' }), [
      withTerms(1, []),
    ]);
    expect([out[0]!.classId, out[0]!.className]).toEqual([200, 'other']);
  });

  const mapping: ClassMapping = {
    background: 0,
    unlabeled: 255,
    classes: [
      { id: 5, name: 'tumour', termIds: [30] },
      { id: 3, name: 'tissue', termIds: [10, 20] },
    ],
  };

  it('first (default): the first term decides', () => {
    const out = collect(mapClasses({ mapping }), [withTerms(1, [10, 30]), withTerms(2, [99, 30])]);
    expect(out.map((f) => f.classId)).toEqual([3, 255]);
  });

  it('priority: the term whose class comes first in the mapping wins', () => {
    const out = collect(mapClasses({ mapping, multiTerm: 'priority' }), [
      withTerms(1, [10, 30]),
      withTerms(2, [99, 20]),
      withTerms(3, [98, 99]),
    ]);
    expect(out.map((f) => f.classId)).toEqual([5, 3, 255]);
  });

  it('skip: multi-term annotations are dropped with MULTI_TERM_SKIPPED; repeated ids count once', () => {
    const warnings: PipelineWarning[] = [];
    const out = collect(mapClasses({ mapping, multiTerm: 'skip', onWarning: (w) => warnings.push(w) }), [
      withTerms(1, [10, 30]),
      withTerms(2, [30, 30]),
    ]);
    expect(out.map((f) => [f.id, f.classId])).toEqual([[2, 5]]);
    expect(warnings).toMatchObject([
      { annotationId: 1, imageId: 1, code: 'MULTI_TERM_SKIPPED', skipped: true },
    ]);
  });

  it('duplicate: one feature per term with derived ids; termIds and terms narrowed', () => {
    const [f1] = run([withTerms(7, [10, 30, 99])], resolveTerms(TERMS)).out;
    const out = collect(mapClasses({ mapping, multiTerm: 'duplicate' }), [f1!, withTerms(8, [30])]);
    expect(out.map((f) => [f.id, f.annotationId, f.termIds, f.terms?.map((t) => t.id), f.classId])).toEqual([
      [7, 7, [10], [10], 3],
      [-(7 * 256 + 1), 7, [30], [30], 5],
      [-(7 * 256 + 2), 7, [99], [], 255],
      [8, 8, [30], undefined, 5],
    ]);
  });

  it('rejects a missing mapping, an invalid mapping and an unknown policy synchronously', () => {
    expect(() => mapClasses({})).toThrow(/needs a mapping or the ontology terms/);
    expect(() => mapClasses({ mapping: { ...mapping, unlabeled: 5 } })).toThrow(/collides with unlabeled/);
    expect(() => mapClasses({ terms: TERMS, multiTerm: 'all' as never })).toThrow(/multiTerm must be one of/);
  });
});

describe('derived ids', () => {
  it('property: never a real (positive) id, never colliding, and parseFeatureId inverts them', () => {
    const id = fc.integer({ min: 1, max: 2 ** 45 - 1 });
    const k = fc.integer({ min: 0, max: DERIVED_ID_FACTOR - 1 });
    fc.assert(
      fc.property(id, k, id, k, (a, i, b, j) => {
        const x = derivedFeatureId(a, i);
        expect(parseFeatureId(x)).toEqual({ annotationId: a, index: i });
        if (i > 0) expect(x).toBeLessThan(0);
        if (a !== b || i !== j) expect(derivedFeatureId(b, j)).not.toBe(x);
      }),
    );
    expect(() => derivedFeatureId(1, 256)).toThrow(RangeError);
  });
});

describe('resolveTerms', () => {
  it('accepts a list, a map or a function; unknown ids warn and are left out', () => {
    const warnings: PipelineWarning[] = [];
    const f = withTerms(1, [30, 5, 10]);
    for (const lookup of [
      TERMS,
      new Map(TERMS.map((t) => [t.id, t])),
      (id: number) => TERMS.find((t) => t.id === id),
    ]) {
      const [out] = run([f], resolveTerms(lookup, { onWarning: (w) => warnings.push(w) })).out;
      expect(out!.terms!.map((t) => t.name)).toEqual(['tumour', 'stroma']);
      expect(out!.termIds).toEqual([30, 5, 10]);
    }
    expect(warnings.map((w) => [w.code, w.skipped, w.annotationId])).toEqual([
      ['UNKNOWN_TERM', false, 1],
      ['UNKNOWN_TERM', false, 1],
      ['UNKNOWN_TERM', false, 1],
    ]);
    expect(warnings[0]!.message).toContain('term 5 is not in the ontology');
  });
});
