import {
  asyncScheduler,
  catchError,
  defer,
  type MonoTypeOperatorFunction,
  type Observable,
  retry,
  type SchedulerLike,
  throwError,
  timer,
} from 'rxjs';
import { ConfigError } from '../errors/config-error.js';
import { AttemptFailure } from './attempt-failure.js';
import type { RetryOptions } from './types.js';

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The default retry policy: 6 attempts, 250 ms doubling, 10 s per delay, 60 s in all. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxTotalDelayMs: 60_000,
};

/**
 * Fills in the defaults of a retry policy and checks it.
 * @throws {ConfigError} `CYTORX_CONFIG` when `maxAttempts` is not an integer >= 1 or a delay is negative
 */
export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY };
  for (const key of Object.keys(DEFAULT_RETRY) as (keyof RetryPolicy)[]) {
    const value = options?.[key];
    if (value === undefined) continue;
    const min = key === 'maxAttempts' ? 1 : 0;
    if (
      typeof value !== 'number' ||
      Number.isNaN(value) ||
      value < min ||
      (key === 'maxAttempts' && !Number.isInteger(value))
    ) {
      throw new ConfigError(`option retry.${key} must be a number >= ${min} (got ${String(value)})`);
    }
    policy[key] = value;
  }
  return policy;
}

/**
 * The delay before retry number `retry` (1 for the first retry): exponential backoff
 * `base * 2^(retry-1)` capped at `maxDelayMs`, with "equal jitter" (a random point in the
 * upper half of that), and at least the server's `Retry-After` (itself capped at `maxDelayMs`).
 */
export function backoffDelay(
  policy: RetryPolicy,
  retryNumber: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  const jittered = Math.round(ceiling / 2 + (ceiling / 2) * random());
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxDelayMs));
}

/** Options of {@link retryAttempts}. */
export interface RetryAttemptsOptions {
  scheduler?: SchedulerLike | undefined;
  random?: (() => number) | undefined;
  /** Called before each delay (for `retry` events). */
  onRetry?: ((info: { attempt: number; delayMs: number; reason: string }) => void) | undefined;
}

/**
 * Resubscribes to a request whose attempt failed with a retryable {@link AttemptFailure},
 * waiting {@link backoffDelay} on the given scheduler, until it succeeds, a failure is not
 * retryable, `maxAttempts` is reached or the next delay would pass `maxTotalDelayMs`. Then
 * the failure becomes its public error (`HttpError`, `NetworkError`, ... with `attempts`).
 * Other errors pass through unchanged.
 */
export function retryAttempts<T>(
  policy: RetryPolicy,
  options: RetryAttemptsOptions = {},
): MonoTypeOperatorFunction<T> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  return (source: Observable<T>) =>
    defer(() => {
      let attempts = 1;
      let totalDelay = 0;
      return source.pipe(
        retry({
          delay: (error: unknown) => {
            if (!(error instanceof AttemptFailure) || !error.retryable || attempts >= policy.maxAttempts) {
              return throwError(() => error);
            }
            const delayMs = backoffDelay(policy, attempts, random, error.retryAfterMs);
            if (totalDelay + delayMs > policy.maxTotalDelayMs) return throwError(() => error);
            totalDelay += delayMs;
            options.onRetry?.({ attempt: attempts, delayMs, reason: error.reason });
            attempts++;
            return timer(delayMs, scheduler);
          },
        }),
        catchError((error: unknown) =>
          throwError(() => (error instanceof AttemptFailure ? error.toError(attempts) : error)),
        ),
      );
    });
}
