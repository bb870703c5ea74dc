import { defer, map, type Observable } from 'rxjs';
import type { CytomineClient, PaginateOptions } from '../client/types.js';
import { normalizeDates } from './normalize.js';
import { resourceId } from './resource-id.js';
import type { Term } from './types.js';

/** Which terms {@link listTerms} lists: those of an ontology, or of a project's ontology. */
export type TermScope = { ontology: number } | { project: number };

/**
 * The terms of an ontology (`GET /api/ontology/{id}/term.json`) or of a project
 * (`GET /api/project/{id}/term.json`), paginated. Cold; unsubscribing stops paging.
 * @param client a client from `createClient`
 * @param scope `{ ontology: id }` or `{ project: id }`
 * @param options page size and concurrency (default: the client's)
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` for an unknown ontology or project
 * @example
 * ```ts
 * import { listTerms } from '@cytorx/core';
 * listTerms(client, { ontology: 7 }).subscribe((t) => console.log(t.id, t.name, t.color));
 * ```
 */
export function listTerms(
  client: CytomineClient,
  scope: TermScope,
  options?: Pick<PaginateOptions, 'pageSize' | 'concurrency' | 'signal'>,
): Observable<Term> {
  return defer(() => {
    const path =
      'ontology' in scope
        ? `/api/ontology/${resourceId('ontology', scope.ontology)}/term.json`
        : `/api/project/${resourceId('project', scope.project)}/term.json`;
    return client.paginate<Term>(path, undefined, options).pipe(map(normalizeDates));
  });
}
