import { catchError, defer, map, type Observable, throwError } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { isCytorxError } from '../errors/cytorx-error.js';
import { normalizeDates } from './normalize.js';
import type { CurrentUser } from './types.js';

/**
 * The user the client authenticates as: `GET /api/user/current.json`, falling back to
 * `/api/currentuser.json` (the ATrISys guide's route) when the first answers 404.
 * Cold; unsubscribing aborts the request.
 * @param client a client from `createClient`
 * @throws {AuthError} `CYTORX_AUTH` when the keys or auth mode are refused (no fallback then)
 * @throws {NotFoundError} `CYTORX_NOT_FOUND` when neither route exists
 * @example
 * ```ts
 * import { createClient, currentUser } from '@cytorx/core';
 * currentUser(createClient({ host, publicKey, privateKey })).subscribe((u) => console.log(u.username));
 * ```
 */
export function currentUser(client: CytomineClient): Observable<CurrentUser> {
  return defer(() =>
    client.request<CurrentUser>('GET', '/api/user/current.json').pipe(
      catchError((error: unknown) =>
        isCytorxError(error, 'CYTORX_NOT_FOUND')
          ? client.request<CurrentUser>('GET', '/api/currentuser.json')
          : throwError(() => error),
      ),
      map((user) => normalizeDates(user)),
    ),
  );
}
