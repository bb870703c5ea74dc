import {
  catchError,
  endWith,
  ignoreElements,
  map,
  mergeMap,
  type Observable,
  type OperatorFunction,
  of,
  throwError,
} from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { HttpError } from '../errors/http-error.js';
import type { UploadLedger } from './ledger.js';
import type { DeleteItem, UploadResult } from './types.js';
import { isFatalWriteError, writeFailure } from './write-error.js';

/** Options of {@link deleteAnnotations}. */
export interface DeleteAnnotationsOptions {
  /** DELETEs in flight at once (default 4). */
  concurrency?: number;
  /** Ledger to tell about deletions (its `created` entries for these ids stop counting). */
  ledger?: UploadLedger;
  /** Aborts the requests in flight. */
  signal?: AbortSignal;
}

/**
 * Deletes annotations (`DELETE /api/annotation/{id}.json`). A DELETE is idempotent, so
 * transient failures are retried by the client; a 404 on the first attempt is reported as
 * `skipped` (already absent), a 404 after a retry as `deleted` (the lost attempt did it).
 * Emits one result per item: `deleted`, `skipped`, `refused` (server's reason) or `failed`.
 * Unsubscribing aborts the requests in flight.
 * @param client - A client from `createClient`.
 * @param options - See {@link DeleteAnnotationsOptions}; default concurrency 4.
 * @throws AuthError (`CYTORX_AUTH`, 401) when the keys are refused; AbortedError (`CYTORX_ABORTED`).
 * @example
 * ```ts
 * import { deleteAnnotations } from '@cytorx/core';
 * import { from } from 'rxjs';
 * from([{ annotationId: 99 }]).pipe(deleteAnnotations(client)).subscribe((r) => console.log(r.status));
 * ```
 */
export function deleteAnnotations(
  client: CytomineClient,
  options: DeleteAnnotationsOptions = {},
): OperatorFunction<DeleteItem, UploadResult<DeleteItem>> {
  const requestOptions = options.signal !== undefined ? { signal: options.signal } : {};
  // Each DELETE is a cold request: mergeMap unsubscribing it (unsubscribe, source error) aborts it.
  const remove = (item: DeleteItem): Observable<UploadResult<DeleteItem>> => {
    const key = `annotation:${item.annotationId}`;
    const annotationId = item.annotationId;
    const deleted = (): UploadResult<DeleteItem> => {
      options.ledger?.markDeleted([annotationId]);
      return { item, key, status: 'deleted', annotationId };
    };
    return client.request('DELETE', `/api/annotation/${annotationId}.json`, requestOptions).pipe(
      ignoreElements(),
      endWith(undefined),
      map(deleted),
      catchError((error: unknown) => {
        if (isFatalWriteError(error)) return throwError(() => error);
        if (error instanceof HttpError && error.status === 404) {
          // A 404 after a retry: the lost attempt did it.
          if (error.attempts > 1) return of(deleted());
          options.ledger?.markDeleted([annotationId]);
          return of<UploadResult<DeleteItem>>({
            item,
            key,
            status: 'skipped',
            annotationId,
            reason: 'already absent (404)',
          });
        }
        return of<UploadResult<DeleteItem>>({ item, key, ...writeFailure(error) });
      }),
    );
  };
  return mergeMap(remove, options.concurrency ?? 4);
}
