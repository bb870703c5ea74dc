import { defer, map, type Observable } from 'rxjs';
import type { CytomineClient, PaginateOptions } from '../client/types.js';
import { normalizeDates } from './normalize.js';
import { resourceId } from './resource-id.js';
import type { ImageInstance } from './types.js';

/**
 * The image instances of a project (`GET /api/project/{id}/imageinstance.json`, paginated).
 * Cold; unsubscribing stops paging.
 * @param client a client from `createClient`
 * @param projectId project id
 * @param options page size and concurrency (default: the client's)
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` for an unknown project
 * @example
 * ```ts
 * import { listImages } from '@cytorx/core';
 * listImages(client, 12).subscribe((img) => console.log(img.id, img.width, img.height));
 * ```
 */
export function listImages(
  client: CytomineClient,
  projectId: number,
  options?: Pick<PaginateOptions, 'pageSize' | 'concurrency' | 'signal'>,
): Observable<ImageInstance> {
  return defer(() =>
    client
      .paginate<ImageInstance>(
        `/api/project/${resourceId('project', projectId)}/imageinstance.json`,
        undefined,
        options,
      )
      .pipe(map(normalizeDates)),
  );
}

/**
 * One image instance (`GET /api/imageinstance/{id}.json`). Cold; unsubscribing aborts.
 * @param client a client from `createClient`
 * @param id image instance id
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` for an unknown id
 * @example
 * ```ts
 * import { getImage } from '@cytorx/core';
 * getImage(client, 503).subscribe((img) => console.log(img.width, img.height));
 * ```
 */
export function getImage(client: CytomineClient, id: number): Observable<ImageInstance> {
  return defer(() =>
    client
      .request<ImageInstance>('GET', `/api/imageinstance/${resourceId('image', id)}.json`)
      .pipe(map(normalizeDates)),
  );
}
