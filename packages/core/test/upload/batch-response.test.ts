import { describe, expect, it } from 'vitest';
import { assignOutcome, type SentEntry } from '../../src/upload/assign-outcome.js';
import { parseBatchResponse, parseSavedIds } from '../../src/upload/batch-response.js';

const entries: SentEntry[] = [
  { location: 'POINT (1 1)', image: 5, term: [1] },
  { location: 'POLYGON ((0 0, 0.5 0, 0.5 9, 0 9, 0 0))', image: 5, term: [1] },
  { location: 'POINT (3 3)', image: 5, term: [] },
];

describe('parseSavedIds', () => {
  it('reads the ids of the three message shapes', () => {
    expect(parseSavedIds('userannotations 11,12,13 added')).toEqual([11, 12, 13]);
    expect(parseSavedIds('Only part of the entries (userannotations 11,12')).toEqual([11, 12]);
    expect(parseSavedIds('Only part of the entries (userannotations 7) have been saved')).toEqual([7]);
    expect(parseSavedIds('userannotations  added')).toEqual([]);
    expect(parseSavedIds('No entry saved')).toEqual([]);
    expect(parseSavedIds('something else')).toBeUndefined();
  });
});

describe('parseBatchResponse', () => {
  it('reads the Spring envelope (status inside an HTTP 200)', () => {
    const all = parseBatchResponse(200, { data: { message: 'userannotations 11,12,13 added' }, status: 200 });
    expect(all).toMatchObject({ status: 200, ids: [11, 12, 13], idsKnown: true, errors: [] });
    const part = parseBatchResponse(200, {
      data: {
        success: false,
        message: 'Only part of the entries (userannotations 11,12',
        errors: [
          {
            data: { location: 'POLYGON ((0 0, 0.5 0, 0.5 9, 0 9, 0 0))', image: 5 },
            message: 'Annotation dimension not valid',
          },
        ],
      },
      status: 206,
    });
    expect(part?.status).toBe(206);
    expect(part?.ids).toEqual([11, 12]);
    expect(part?.errors[0]?.message).toBe('Annotation dimension not valid');
    const none = parseBatchResponse(200, {
      data: { success: false, message: 'No entry saved', errors: [{ message: 'x' }] },
      status: 400,
    });
    expect(none).toMatchObject({ status: 400, ids: [] });
  });

  it('reads the Grails style (status on the HTTP response, inner object as body)', () => {
    expect(parseBatchResponse(200, { message: 'userannotations 4,5 added' })).toMatchObject({
      status: 200,
      ids: [4, 5],
    });
    const part = parseBatchResponse(206, {
      success: false,
      message: 'Only part of the entries (userannotations 4',
      errors: [{ data: { location: 'POINT (3 3)' }, message: 'bad' }],
    });
    expect(part).toMatchObject({ status: 206, ids: [4] });
    // The status is inferred from the content when the HTTP status is not known.
    expect(
      parseBatchResponse(200, {
        message: 'Only part of the entries (userannotations 4',
        errors: [{ message: 'bad' }],
      })?.status,
    ).toBe(206);
  });

  it('returns undefined for bodies that are not batch answers', () => {
    expect(parseBatchResponse(200, null)).toBeUndefined();
    expect(parseBatchResponse(200, [1, 2])).toBeUndefined();
    expect(parseBatchResponse(200, { hello: 'world' })).toBeUndefined();
  });
});

describe('assignOutcome', () => {
  it('gives ids in order when everything was saved', () => {
    const a = assignOutcome(
      entries,
      parseBatchResponse(200, { data: { message: 'userannotations 7,8,9 added' }, status: 200 })!,
    );
    expect(a.created).toEqual([
      { index: 0, id: 7 },
      { index: 1, id: 8 },
      { index: 2, id: 9 },
    ]);
    expect(a.unknown).toEqual([]);
  });

  it('ties a 206 error to its item by the echoed data and gives the ids to the others in order', () => {
    const outcome = parseBatchResponse(200, {
      data: {
        message: 'Only part of the entries (userannotations 7,9',
        errors: [{ data: entries[1], message: 'Annotation dimension not valid' }],
      },
      status: 206,
    })!;
    const a = assignOutcome(entries, outcome);
    expect(a.refused).toEqual([{ index: 1, reason: 'Annotation dimension not valid' }]);
    expect(a.created).toEqual([
      { index: 0, id: 7 },
      { index: 2, id: 9 },
    ]);
  });

  it('leaves items unknown when an error cannot be tied to an item', () => {
    const outcome = parseBatchResponse(206, {
      message: 'Only part of the entries (userannotations 7,9',
      errors: [{ message: 'Annotation location is not valid' }],
    })!;
    const a = assignOutcome(entries, outcome);
    expect(a.created).toEqual([]);
    expect(a.unknown).toEqual([0, 1, 2]);
    expect(a.unmatchedErrors).toEqual(['Annotation location is not valid']);
  });

  it('maps a fully refused batch by position when errors carry no data', () => {
    const outcome = parseBatchResponse(400, {
      message: 'No entry saved',
      errors: [{ message: 'a' }, { message: 'b' }, { message: 'c' }],
    })!;
    const a = assignOutcome(entries, outcome);
    expect(a.refused.map((r) => r.reason)).toEqual(['a', 'b', 'c']);
    expect(a.unknown).toEqual([]);
  });

  it('treats identical items one by one', () => {
    const twins: SentEntry[] = [entries[0]!, entries[0]!];
    const outcome = parseBatchResponse(200, {
      data: {
        message: 'Only part of the entries (userannotations 3',
        errors: [{ data: entries[0], message: 'no' }],
      },
      status: 206,
    })!;
    const a = assignOutcome(twins, outcome);
    expect(a.refused).toEqual([{ index: 0, reason: 'no' }]);
    expect(a.created).toEqual([{ index: 1, id: 3 }]);
  });

  it('does not trust ids whose count disagrees', () => {
    const a = assignOutcome(
      entries,
      parseBatchResponse(200, { data: { message: 'userannotations 7,8 added' }, status: 200 })!,
    );
    expect(a.created).toEqual([]);
    expect(a.unknown).toEqual([0, 1, 2]);
  });
});
