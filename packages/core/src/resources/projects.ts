import { defer, map, type Observable } from 'rxjs';
import type { CytomineClient, PaginateOptions } from '../client/types.js';
import { normalizeDates } from './normalize.js';
import { resourceId } from './resource-id.js';
import type { Project } from './types.js';

/**
 * The projects the user is a member of (`GET /api/project.json`, paginated; a bare array is
 * accepted), dates normalised to epoch ms. Cold; unsubscribing stops paging.
 * @param client a client from `createClient`
 * @param options page size and concurrency (default: the client's)
 * @throws {AuthError} `CYTORX_AUTH` on 401/403
 * @example
 * ```ts
 * import { listProjects } from '@cytorx/core';
 * listProjects(client).subscribe((p) => console.log(p.id, p.name));
 * ```
 */
export function listProjects(
  client: CytomineClient,
  options?: Pick<PaginateOptions, 'pageSize' | 'concurrency' | 'signal'>,
): Observable<Project> {
  return client.paginate<Project>('/api/project.json', undefined, options).pipe(map(normalizeDates));
}

/**
 * One project (`GET /api/project/{id}.json`). Cold; unsubscribing aborts the request.
 * @param client a client from `createClient`
 * @param id project id
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` for an unknown id
 * @throws {ConfigError} `CYTORX_CONFIG` when `id` is not a positive integer
 * @example
 * ```ts
 * import { getProject } from '@cytorx/core';
 * getProject(client, 12).subscribe((p) => console.log(p.ontology));
 * ```
 */
export function getProject(client: CytomineClient, id: number): Observable<Project> {
  return defer(() =>
    client
      .request<Project>('GET', `/api/project/${resourceId('project', id)}.json`)
      .pipe(map(normalizeDates)),
  );
}
