import { defer, map, type Observable } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { normalizeDates } from './normalize.js';
import { resourceId } from './resource-id.js';
import type { Ontology } from './types.js';

/**
 * One ontology (`GET /api/ontology/{id}.json`; `children` is the term tree). Cold;
 * unsubscribing aborts the request.
 * @param client a client from `createClient`
 * @param id ontology id
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` for an unknown id
 * @example
 * ```ts
 * import { getOntology } from '@cytorx/core';
 * getOntology(client, project.ontology).subscribe((o) => console.log(o.name));
 * ```
 */
export function getOntology(client: CytomineClient, id: number): Observable<Ontology> {
  return defer(() =>
    client
      .request<Ontology>('GET', `/api/ontology/${resourceId('ontology', id)}.json`)
      .pipe(map(normalizeDates)),
  );
}
