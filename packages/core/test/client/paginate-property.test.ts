// Property test of the pagination algorithm against an in-memory list server (virtual time):
// every size, page size, page cap, concurrency and random short pages give exactly the list.
import fc from 'fast-check';
import { defer, map, type Observable, take, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { paginateWith } from '../../src/client/paginate.js';

interface ServerModel {
  size: number;
  cap: number | undefined;
  /** Per request: how many items fewer than allowed the server returns (a varying cap). */
  shortfalls: number[];
  /** Per request: answer delay in virtual ms. */
  delays: number[];
}

function listServer(model: ServerModel, log: { offset: number; max: number }[]) {
  return (offset: number, max: number): Observable<unknown> =>
    defer(() => {
      const n = log.length;
      log.push({ offset, max });
      let limit = max === 0 ? Number.MAX_SAFE_INTEGER : max;
      if (model.cap !== undefined) limit = Math.min(limit, model.cap);
      const shortfall = model.shortfalls[n % Math.max(1, model.shortfalls.length)] ?? 0;
      // never an empty page before the end (an empty page means "the end" in the protocol)
      limit = Math.max(1, limit - shortfall);
      const collection: number[] = [];
      for (let i = offset; i < Math.min(model.size, offset + limit); i++) collection.push(i);
      const delay = model.delays[n % Math.max(1, model.delays.length)] ?? 0;
      return timer(delay).pipe(map(() => ({ collection, offset, size: model.size })));
    });
}

const arbitraries = {
  size: fc.integer({ min: 0, max: 60 }),
  pageSize: fc.integer({ min: 0, max: 12 }),
  cap: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  concurrency: fc.integer({ min: 1, max: 5 }),
  shortfalls: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 5 }),
  delays: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 7 }),
};

describe('paginateWith (property)', () => {
  it('emits exactly [0, size) in order, whatever the paging conditions', () => {
    fc.assert(
      fc.property(
        arbitraries.size,
        arbitraries.pageSize,
        arbitraries.cap,
        arbitraries.concurrency,
        arbitraries.shortfalls,
        arbitraries.delays,
        (size, pageSize, cap, concurrency, shortfalls, delays) => {
          const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
          ts.run(() => {
            const log: { offset: number; max: number }[] = [];
            const got: number[] = [];
            let done = false;
            paginateWith<number>(listServer({ size, cap, shortfalls, delays }, log), {
              pageSize,
              concurrency,
              describe: () => ({ method: 'GET', path: '/p' }),
            }).subscribe({ next: (x) => got.push(x), complete: () => (done = true) });
            ts.flush();
            expect(done).toBe(true);
            expect(got).toEqual(Array.from({ length: size }, (_, i) => i));
            // no wasted requests beyond one per item plus the first page (and the size-0 case)
            expect(log.length).toBeLessThanOrEqual(Math.max(1, size));
            // never asks an offset at or past the end, except the first page
            for (const r of log.slice(1)) expect(r.offset).toBeLessThan(size);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('take(n) never requests pages beyond the window it needs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        (n, pageSize, concurrency) => {
          const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
          ts.run(() => {
            const log: { offset: number; max: number }[] = [];
            const got: number[] = [];
            paginateWith<number>(
              listServer({ size: 1000, cap: undefined, shortfalls: [], delays: [1] }, log),
              {
                pageSize,
                concurrency,
                describe: () => ({ method: 'GET', path: '/p' }),
              },
            )
              .pipe(take(n))
              .subscribe((x) => got.push(x));
            ts.flush();
            expect(got).toHaveLength(n);
            const needed = Math.ceil(n / pageSize);
            // sequential: exactly the pages needed; concurrent: at most `concurrency` pages ahead
            expect(log.length).toBeLessThanOrEqual(needed + (concurrency > 1 ? concurrency : 0));
            if (concurrency === 1) expect(log.length).toBe(needed);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
