import { isCytorxError } from '../errors/cytorx-error.js';
import { HttpError } from '../errors/http-error.js';

/** True for errors that end a run (bad keys, abort) instead of being reported per item. */
export function isFatalWriteError(error: unknown): boolean {
  return (
    (isCytorxError(error, 'CYTORX_AUTH') && !(error instanceof HttpError && error.status === 403)) ||
    isCytorxError(error, 'CYTORX_ABORTED') ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/**
 * How a failed single write is reported: a 4xx (other than 408/429) is `refused` with the
 * server's message; anything else (network, 5xx after retries) is `failed`.
 */
export function writeFailure(error: unknown): { status: 'refused' | 'failed'; reason: string } {
  if (
    error instanceof HttpError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  ) {
    return { status: 'refused', reason: error.bodyExcerpt ?? `refused with ${error.status}` };
  }
  return { status: 'failed', reason: error instanceof Error ? error.message : String(error) };
}
