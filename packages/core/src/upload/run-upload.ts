import { concat, defer, from, type Observable, tap } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { type CreateAnnotationsOptions, createAnnotations } from './create-annotations.js';
import { deleteAnnotations } from './delete-annotations.js';
import type { UploadPlan } from './plan-upload.js';
import type { DeleteItem, UpdateItem, UploadItem, UploadResult } from './types.js';
import { updateAnnotations } from './update-annotations.js';

/** Options of {@link runUpload}: those of `createAnnotations` (the ledger is required). */
export type RunUploadOptions = Omit<CreateAnnotationsOptions, 'userId' | 'images'> &
  Required<Pick<CreateAnnotationsOptions, 'ledger'>>;

/**
 * Carries out an {@link UploadPlan}: deletions first (`--replace`, and earlier uploads whose
 * terms changed), then geometry updates, then creations, each reported per item. The ledger
 * learns every deletion, update and creation as it happens.
 * Cold; unsubscribing aborts the requests in flight.
 * @param client - A client from `createClient`.
 * @param plan - From `planUpload`.
 * @param options - `createAnnotations` options; `ledger` is required.
 * @throws AuthError (`CYTORX_AUTH`) when the keys are refused; AbortedError (`CYTORX_ABORTED`).
 * @example
 * ```ts
 * import { openLedger, planUpload, runUpload } from '@cytorx/core';
 * const ledger = openLedger('preds.geojson.cytorx-ledger.jsonl');
 * const plan = await planUpload(client, { project: 7, features, ledger });
 * runUpload(client, plan, { ledger }).subscribe((r) => console.log(r.status));
 * ```
 */
export function runUpload(
  client: CytomineClient,
  plan: UploadPlan,
  options: RunUploadOptions,
): Observable<UploadResult<UploadItem | UpdateItem | DeleteItem>> {
  const { ledger } = options;
  const common = { ledger, ...(options.signal ? { signal: options.signal } : {}) };
  const updates = new Map(plan.update.map((u) => [u.annotationId, u]));
  return concat(
    defer(() =>
      from(plan.delete).pipe(
        deleteAnnotations(client, {
          ...common,
          ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        }),
      ),
    ),
    defer(() =>
      from(plan.update).pipe(
        updateAnnotations(client, { ...options, images: plan.images }),
        tap((r) => {
          const u = updates.get(r.item.annotationId);
          if (r.status === 'updated' && u) {
            ledger.markCreated([
              { key: u.key, id: u.annotationId, image: u.imageId, hash: u.hash, terms: u.termIds },
            ]);
          }
        }),
      ),
    ),
    defer(() =>
      from(plan.create).pipe(
        createAnnotations(client, { ...options, userId: plan.userId, images: plan.images }),
      ),
    ),
  );
}
