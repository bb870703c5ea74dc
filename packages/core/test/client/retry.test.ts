import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { AttemptFailure, parseRetryAfter } from '../../src/client/attempt-failure.js';
import { backoffDelay, retryAttempts, retryPolicy } from '../../src/client/retry.js';
import { HttpError } from '../../src/errors/http-error.js';
import { NetworkError } from '../../src/errors/network-error.js';

function failure(status: number, retryable: boolean, retryAfterMs?: number): AttemptFailure {
  return new AttemptFailure({
    retryable,
    reason: String(status),
    retryAfterMs,
    toError: (attempts) => new HttpError({ status, method: 'GET', path: '/api/x.json', attempts }),
  });
}

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A cold source that fails its first `failures` subscriptions, then emits `'v'`, recording subscribe times. */
function flaky(ts: TestScheduler, failures: AttemptFailure[], times: number[]): Observable<string> {
  let n = 0;
  return new Observable<string>((subscriber) => {
    times.push(ts.now());
    const f = failures[n++];
    if (f) subscriber.error(f);
    else {
      subscriber.next('v');
      subscriber.complete();
    }
  });
}

// random() = 1 makes the jitter deterministic: delay = min(maxDelay, base * 2^(n-1)).
const one = (): number => 1;

describe('retryAttempts (TestScheduler)', () => {
  it('backs off exponentially between attempts, then emits the value', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const times: number[] = [];
      const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 6 });
      const source = flaky(ts, [failure(503, true), failure(502, true), failure(504, true)], times);
      expectObservable(source.pipe(retryAttempts(policy, { scheduler: ts, random: one }))).toBe('700ms (v|)');
      ts.flush();
      expect(times).toEqual([0, 100, 300, 700]);
    });
  });

  it('jitter picks a delay in the upper half of the backoff', () => {
    const policy = retryPolicy({ baseDelayMs: 100 });
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 0.5)).toBe(75);
    expect(backoffDelay(policy, 3, () => 0.999999)).toBe(400);
    expect(backoffDelay(retryPolicy({ baseDelayMs: 100, maxDelayMs: 250 }), 5, one)).toBe(250);
  });

  it('waits at least Retry-After (capped at maxDelayMs)', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const times: number[] = [];
      const policy = retryPolicy({ baseDelayMs: 10, maxDelayMs: 5_000 });
      const source = flaky(ts, [failure(503, true, 2_000), failure(429, true, 60_000)], times);
      expectObservable(source.pipe(retryAttempts(policy, { scheduler: ts, random: one }))).toBe(
        '7000ms (v|)',
      );
      ts.flush();
      expect(times).toEqual([0, 2_000, 7_000]);
    });
  });

  it('gives up after maxAttempts with the public error carrying the attempt count', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const times: number[] = [];
      const policy = retryPolicy({ baseDelayMs: 10, maxAttempts: 3 });
      const source = flaky(
        ts,
        [failure(503, true), failure(503, true), failure(503, true), failure(503, true)],
        times,
      );
      const expected = new HttpError({ status: 503, method: 'GET', path: '/api/x.json', attempts: 3 });
      expectObservable(source.pipe(retryAttempts(policy, { scheduler: ts, random: one }))).toBe(
        '30ms #',
        undefined,
        expected,
      );
      ts.flush();
      expect(times).toEqual([0, 10, 30]);
    });
  });

  it('stops when the next delay would pass maxTotalDelayMs', () => {
    const ts = scheduler();
    ts.run(() => {
      const times: number[] = [];
      const policy = retryPolicy({ baseDelayMs: 100, maxAttempts: 10, maxTotalDelayMs: 350 });
      const failures = Array.from({ length: 10 }, () => failure(503, true));
      let error: unknown;
      flaky(ts, failures, times)
        .pipe(retryAttempts(policy, { scheduler: ts, random: one }))
        .subscribe({ error: (e: unknown) => (error = e) });
      ts.flush();
      // delays 100 + 200 = 300; the next (400) would make 700 > 350
      expect(times).toEqual([0, 100, 300]);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).attempts).toBe(3);
    });
  });

  it('never retries a non-retryable failure (e.g. 404, 401, POST 5xx)', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const times: number[] = [];
      const source = flaky(ts, [failure(404, false)], times);
      const expected = new HttpError({ status: 404, method: 'GET', path: '/api/x.json', attempts: 1 });
      expectObservable(source.pipe(retryAttempts(retryPolicy({}), { scheduler: ts, random: one }))).toBe(
        '#',
        undefined,
        expected,
      );
      ts.flush();
      expect(times).toEqual([0]);
    });
  });

  it('passes other errors through untouched and reports retries', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const boom = new Error('boom');
      expectObservable(
        cold('--#', undefined, boom).pipe(retryAttempts(retryPolicy({}), { scheduler: ts })),
      ).toBe('--#', undefined, boom);
    });
    const ts2 = scheduler();
    ts2.run(() => {
      const events: unknown[] = [];
      const net = new AttemptFailure({
        retryable: true,
        reason: 'reset',
        toError: (attempts) => new NetworkError({ method: 'GET', path: '/p', attempts, reason: 'reset' }),
      });
      flaky(ts2, [net], [])
        .pipe(
          retryAttempts(retryPolicy({ baseDelayMs: 40 }), {
            scheduler: ts2,
            random: one,
            onRetry: (e) => events.push(e),
          }),
        )
        .subscribe();
      ts2.flush();
      expect(events).toEqual([{ attempt: 1, delayMs: 40, reason: 'reset' }]);
    });
  });

  it('unsubscribing during a backoff delay cancels the retry', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const times: number[] = [];
      const source = flaky(ts, [failure(503, true), failure(503, true)], times);
      expectObservable(
        source.pipe(retryAttempts(retryPolicy({ baseDelayMs: 100 }), { scheduler: ts, random: one })),
        '50ms !',
      ).toBe('');
      ts.flush();
      expect(times).toEqual([0]);
    });
  });
});

describe('parseRetryAfter', () => {
  const now = new Date(Date.UTC(2025, 8, 2, 10, 0, 0));
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Tue, 02 Sep 2025 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 02 Sep 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
