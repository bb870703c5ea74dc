import { defer, finalize, from, lastValueFrom, mergeMap, type OperatorFunction } from 'rxjs';
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
  return (source) =>
    defer(() => {
      const abort = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
      const remove = async (item: DeleteItem): Promise<UploadResult<DeleteItem>> => {
        const key = `annotation:${item.annotationId}`;
        const annotationId = item.annotationId;
        try {
          await lastValueFrom(client.request('DELETE', `/api/annotation/${annotationId}.json`, { signal }));
          options.ledger?.markDeleted([annotationId]);
          return { item, key, status: 'deleted', annotationId };
        } catch (error) {
          if (isFatalWriteError(error)) throw error;
          if (error instanceof HttpError && error.status === 404) {
            options.ledger?.markDeleted([annotationId]);
            return error.attempts > 1
              ? { item, key, status: 'deleted', annotationId }
              : { item, key, status: 'skipped', annotationId, reason: 'already absent (404)' };
          }
          return { item, key, ...writeFailure(error) };
        }
      };
      return source.pipe(
        mergeMap((item) => from(remove(item)), options.concurrency ?? 4),
        finalize(() => abort.abort()),
      );
    });
}
