import { defer, map, type Observable } from 'rxjs';
import { encodeQuery } from '../client/query-string.js';
import type { CytomineClient, PaginateOptions } from '../client/types.js';
import { type AnnotationQuery, annotationParams } from './annotation-query.js';
import { normalizeOwnedAnnotation } from './normalize.js';
import { resourceId } from './resource-id.js';
import type { Annotation } from './types.js';

/** Options of {@link listAnnotations}. */
export interface ListAnnotationsOptions extends Pick<PaginateOptions, 'pageSize' | 'concurrency' | 'signal'> {
  /**
   * Above this many characters of query string the listing is sent as
   * `POST /api/annotation/search.json` with the filters as a JSON body. Default 2000.
   */
  maxQueryLength?: number;
}

/**
 * Lists annotations (`GET /api/annotation.json`, or `POST /api/annotation/search.json` when
 * the query string would be long) with every filter of the API, page by page in server
 * order (`id` descending). Items are normalised: `term` is always an array, dates are
 * epoch ms, `null` keys are dropped. Cold; unsubscribing (e.g. `take(n)`) stops paging.
 * @param client a client from `createClient`
 * @param query filters and property groups (see {@link AnnotationQuery}; default
 *   `showMeta`, `showWKT`, `showTerm`)
 * @param options page size, concurrency (default: the client's), `maxQueryLength` (2000)
 * @throws {ConfigError} `CYTORX_CONFIG` when no project/image/slice filter is given
 * @throws {BadResponseError} `CYTORX_BAD_RESPONSE` on a malformed page
 * @example
 * ```ts
 * import { listAnnotations } from '@cytorx/core';
 * listAnnotations(client, { image: 503, terms: [7, 8] }).subscribe((a) => console.log(a.id, a.term));
 * ```
 */
export function listAnnotations(
  client: CytomineClient,
  query: AnnotationQuery,
  options: ListAnnotationsOptions = {},
): Observable<Annotation> {
  return defer(() => {
    const params = annotationParams(query);
    const { maxQueryLength = 2000, ...paging } = options;
    const listing =
      encodeQuery(params).length > maxQueryLength
        ? client.paginate<Record<string, unknown>>('/api/annotation/search.json', undefined, {
            ...paging,
            method: 'POST',
            body: params,
          })
        : client.paginate<Record<string, unknown>>('/api/annotation.json', params, paging);
    return listing.pipe(map(normalizeOwnedAnnotation));
  });
}

/**
 * One annotation (`GET /api/annotation/{id}.json`), normalised like {@link listAnnotations}
 * (this endpoint writes `created`/`updated` as strings). Cold; unsubscribing aborts.
 * @param client a client from `createClient`
 * @param id annotation id
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` for an unknown id
 * @example
 * ```ts
 * import { getAnnotation } from '@cytorx/core';
 * getAnnotation(client, 1234).subscribe((a) => console.log(a.location));
 * ```
 */
export function getAnnotation(client: CytomineClient, id: number): Observable<Annotation> {
  return defer(() =>
    client
      .request<Record<string, unknown>>('GET', `/api/annotation/${resourceId('annotation', id)}.json`)
      .pipe(map(normalizeOwnedAnnotation)),
  );
}
