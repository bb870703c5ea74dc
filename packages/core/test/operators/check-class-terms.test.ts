import { checkClassTerms, parseClassMapping } from '@cytorx/core';
import { describe, expect, it } from 'vitest';

const terms = [
  { id: 4, name: 'stroma' },
  { id: 9, name: 'tumour' },
];

describe('checkClassTerms', () => {
  it('accepts a mapping whose term ids are all in the ontology (some terms may stay unmapped)', () => {
    const mapping = parseClassMapping({ classes: [{ id: 1, name: 'tumour', termIds: [9] }] });
    expect(() => checkClassTerms(mapping, terms)).not.toThrow();
  });

  it('refuses unknown term ids, naming each with its class and the project terms', () => {
    const mapping = parseClassMapping({
      classes: [
        { id: 1, name: 'tumour', termIds: [9, 77] },
        { id: 2, name: 'other', termIds: [78] },
      ],
    });
    let err: unknown;
    try {
      checkClassTerms(mapping, terms, 'old.json');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CYTORX_CONFIG' });
    expect((err as Error).message).toBe(
      'old.json: term ids 77 (class 1 "tumour"), 78 (class 2 "other") are not in the project\'s ontology (its terms: 4 stroma, 9 tumour); a mapping for another project would leave every annotation unlabeled',
    );
  });
});
