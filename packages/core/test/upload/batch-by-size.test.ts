import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batchBySize } from '../../src/upload/batch-by-size.js';

describe('batchBySize', () => {
  it('cuts by count and by bytes (JSON array overhead counted)', async () => {
    const byCount = await lastValueFrom(
      from([1, 2, 3, 4, 5]).pipe(
        batchBySize(2, 1e9, () => 1),
        toArray(),
      ),
    );
    expect(byCount).toEqual([[1, 2], [3, 4], [5]]);
    // sizes 4: [a] = 2+4 = 6, [a,b] = 2+4+1+4 = 11
    const byBytes = await lastValueFrom(
      from([1, 2, 3]).pipe(
        batchBySize(10, 11, () => 4),
        toArray(),
      ),
    );
    expect(byBytes).toEqual([[1, 2], [3]]);
    const tight = await lastValueFrom(
      from([1, 2, 3]).pipe(
        batchBySize(10, 10, () => 4),
        toArray(),
      ),
    );
    expect(tight).toEqual([[1], [2], [3]]);
  });

  it('sends an oversized item alone and emits nothing for an empty source', async () => {
    const sizes = [1, 50, 1];
    const out = await lastValueFrom(
      from([0, 1, 2]).pipe(
        batchBySize(10, 20, (i) => sizes[i]!),
        toArray(),
      ),
    );
    expect(out).toEqual([[0], [1], [2]]);
    expect(
      await lastValueFrom(
        from([]).pipe(
          batchBySize(3, 10, () => 1),
          toArray(),
        ),
      ),
    ).toEqual([]);
  });

  it('propagates errors and drops the pending group on unsubscribe', () => {
    const s = new Subject<number>();
    const seen: number[][] = [];
    let error: unknown;
    const sub = s
      .pipe(batchBySize(3, 100, () => 1))
      .subscribe({ next: (b) => seen.push(b), error: (e) => (error = e) });
    s.next(1);
    s.error(new Error('boom'));
    expect(error).toBeInstanceOf(Error);
    expect(seen).toEqual([]);
    sub.unsubscribe();
    const s2 = new Subject<number>();
    const sub2 = s2.pipe(batchBySize(3, 100, () => 1)).subscribe((b) => seen.push(b));
    s2.next(1);
    sub2.unsubscribe();
    s2.complete();
    expect(seen).toEqual([]);
  });
});
