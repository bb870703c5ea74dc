import { firstValueFrom } from 'rxjs';
import { abortable } from '../client/abortable.js';
import type { CytomineClient } from '../client/types.js';
import { currentUser } from '../resources/current-user.js';
import type { LedgerTarget } from './ledger.js';

/** The target of an upload, with the user's name for messages. */
export interface UploadTarget extends LedgerTarget {
  username: string;
}

/**
 * Who and where an upload writes: the client's host, the project, and the user the keys
 * belong to (`GET /api/user/current.json`, one request: wrong keys fail here, before any
 * other request is sent). The ledger section of an upload is keyed by it.
 * @param client - A client from `createClient`.
 * @param project - The project id.
 * @param signal - Aborts the request.
 * @throws AuthError (`CYTORX_AUTH`) when the keys are refused; AbortedError (`CYTORX_ABORTED`).
 * @example
 * ```ts
 * import { openLedger, uploadTarget } from '@cytorx/core';
 * const target = await uploadTarget(client, 12);
 * const ledger = openLedger('preds.geojson.cytorx-ledger.jsonl', { target });
 * ```
 */
export async function uploadTarget(
  client: CytomineClient,
  project: number,
  signal?: AbortSignal,
): Promise<UploadTarget> {
  const user = await firstValueFrom(abortable(currentUser(client), signal, 'current user'));
  return { host: client.host, project, user: user.id, username: String(user.username ?? user.id) };
}
