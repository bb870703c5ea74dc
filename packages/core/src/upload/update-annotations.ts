import { defer, finalize, from, lastValueFrom, mergeMap, type OperatorFunction } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { isCytorxError } from '../errors/cytorx-error.js';
import type { Frame } from '../pipeline/types.js';
import { prepareGeometry } from './prepare-geometry.js';
import type { UpdateItem, UploadResult } from './types.js';
import { UploadSession, type UploadSessionOptions } from './upload-session.js';
import { isFatalWriteError, writeFailure } from './write-error.js';

/** Options of {@link updateAnnotations}. */
export interface UpdateAnnotationsOptions extends Omit<UploadSessionOptions, 'userId'> {
  /** Frame of items without their own `frame` (default `'image'`). */
  frame?: Frame;
  /** PUTs in flight at once (default 4). */
  concurrency?: number;
  /** Vertex cap per polygon geometry (default 2000). */
  maxVertices?: number;
  /** Repair invalid polygons (default true); false refuses them. */
  repair?: boolean;
}

/**
 * Replaces the geometry of existing annotations (`PUT /api/annotation/{id}.json` with
 * `location` and `image` in the body, as the server requires). Geometries are checked and
 * converted exactly as by `createAnnotations`. A PUT is idempotent, so transient failures are
 * retried by the client. Terms are not changed (the API has no term update through PUT).
 * Emits one result per item: `updated`, `refused` (with the server's reason, e.g. an unknown
 * id) or `failed`. Unsubscribing aborts the requests in flight.
 * @param client - A client from `createClient`.
 * @param options - See {@link UpdateAnnotationsOptions}; defaults: frame `'image'`,
 *   concurrency 4, maxVertices 2000, repair true.
 * @throws AuthError (`CYTORX_AUTH`, 401) when the keys are refused; AbortedError (`CYTORX_ABORTED`).
 * @example
 * ```ts
 * import { updateAnnotations } from '@cytorx/core';
 * import { of } from 'rxjs';
 * of({ annotationId: 99, imageId: 12, geometry: { type: 'Point', coordinates: [5, 5] } })
 *   .pipe(updateAnnotations(client))
 *   .subscribe((r) => console.log(r.status));
 * ```
 */
export function updateAnnotations(
  client: CytomineClient,
  options: UpdateAnnotationsOptions = {},
): OperatorFunction<UpdateItem, UploadResult<UpdateItem>> {
  return (source) =>
    defer(() => {
      const abort = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
      const session = new UploadSession(client, options, signal);
      const update = async (item: UpdateItem): Promise<UploadResult<UpdateItem>> => {
        const key = `annotation:${item.annotationId}`;
        let image: { width: number; height: number };
        try {
          image = await session.image(item.imageId);
        } catch (error) {
          if (isFatalWriteError(error)) throw error;
          const missing = isCytorxError(error, 'CYTORX_NOT_FOUND');
          return {
            item,
            key,
            status: missing ? 'refused' : 'failed',
            reason: missing ? `image ${item.imageId} not found` : String(error),
          };
        }
        const prepared = prepareGeometry(item.geometry, image, {
          frame: item.frame ?? options.frame ?? 'image',
          maxVertices: options.maxVertices ?? 2000,
          repair: options.repair ?? true,
        });
        if (!prepared.ok) return { item, key, status: 'refused', reason: prepared.reason };
        const notes = prepared.notes.length > 0 ? { notes: prepared.notes } : {};
        try {
          await lastValueFrom(
            client.request('PUT', `/api/annotation/${item.annotationId}.json`, {
              body: { id: item.annotationId, location: prepared.wkt, image: item.imageId },
              signal,
            }),
          );
          return { item, key, status: 'updated', annotationId: item.annotationId, ...notes };
        } catch (error) {
          if (isFatalWriteError(error)) throw error;
          return { item, key, ...writeFailure(error), ...notes };
        }
      };
      return source.pipe(
        mergeMap((item) => from(update(item)), options.concurrency ?? 4),
        finalize(() => abort.abort()),
      );
    });
}
