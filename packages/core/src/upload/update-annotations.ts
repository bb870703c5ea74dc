import {
  catchError,
  defer,
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
import { isCytorxError } from '../errors/cytorx-error.js';
import type { Frame } from '../pipeline/types.js';
import type { ImageInstance } from '../resources/types.js';
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
  const requestOptions = options.signal !== undefined ? { signal: options.signal } : {};
  return (source) =>
    defer(() => {
      // The session's signal only serves its own listings, which updates never make.
      const session = new UploadSession(client, options, options.signal ?? AbortSignal.any([]));
      // Each PUT is a cold request: mergeMap unsubscribing it (unsubscribe, source error) aborts it.
      const put = (item: UpdateItem, image: ImageInstance): Observable<UploadResult<UpdateItem>> => {
        const key = `annotation:${item.annotationId}`;
        const prepared = prepareGeometry(item.geometry, image, {
          frame: item.frame ?? options.frame ?? 'image',
          maxVertices: options.maxVertices ?? 2000,
          repair: options.repair ?? true,
        });
        if (!prepared.ok) return of({ item, key, status: 'refused', reason: prepared.reason });
        const notes = prepared.notes.length > 0 ? { notes: prepared.notes } : {};
        const body = { id: item.annotationId, location: prepared.wkt, image: item.imageId };
        return client
          .request('PUT', `/api/annotation/${item.annotationId}.json`, { body, ...requestOptions })
          .pipe(
            ignoreElements(),
            endWith(undefined),
            map(
              (): UploadResult<UpdateItem> => ({
                item,
                key,
                status: 'updated',
                annotationId: item.annotationId,
                ...notes,
              }),
            ),
            catchError((error: unknown) =>
              isFatalWriteError(error)
                ? throwError(() => error)
                : of<UploadResult<UpdateItem>>({ item, key, ...writeFailure(error), ...notes }),
            ),
          );
      };
      const update = (item: UpdateItem): Observable<UploadResult<UpdateItem>> =>
        defer(() => session.image(item.imageId)).pipe(
          catchError((error: unknown) => {
            if (isFatalWriteError(error)) return throwError(() => error);
            const missing = isCytorxError(error, 'CYTORX_NOT_FOUND');
            return throwError(
              () =>
                new ImageLookupFailure(missing ? `image ${item.imageId} not found` : String(error), missing),
            );
          }),
          mergeMap((image) => put(item, image)),
          catchError((error: unknown) =>
            error instanceof ImageLookupFailure
              ? of<UploadResult<UpdateItem>>({
                  item,
                  key: `annotation:${item.annotationId}`,
                  status: error.missing ? 'refused' : 'failed',
                  reason: error.message,
                })
              : throwError(() => error),
          ),
        );
      return source.pipe(mergeMap(update, options.concurrency ?? 4));
    });
}

/** The image of an item could not be fetched (not fatal: the item is refused or failed). */
class ImageLookupFailure extends Error {
  constructor(
    message: string,
    readonly missing: boolean,
  ) {
    super(message);
  }
}
