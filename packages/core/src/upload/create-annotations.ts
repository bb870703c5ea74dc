import { createHash } from 'node:crypto';
import {
  concatMap,
  connect,
  defer,
  filter,
  finalize,
  from,
  merge,
  mergeMap,
  type Observable,
  type OperatorFunction,
} from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { isCytorxError } from '../errors/cytorx-error.js';
import type { Frame } from '../pipeline/types.js';
import { batchBySize } from './batch-by-size.js';
import { BatchSender, type ReadyItem } from './batch-sender.js';
import { prepareGeometry } from './prepare-geometry.js';
import type { UploadItem, UploadResult } from './types.js';
import { UploadSession, type UploadSessionOptions } from './upload-session.js';
import { isFatalWriteError } from './write-error.js';

/** Options of {@link createAnnotations}. */
export interface CreateAnnotationsOptions extends UploadSessionOptions {
  /** Frame of items without their own `frame` (default `'image'`). */
  frame?: Frame;
  /** Items per batch POST (default 100). */
  batchSize?: number;
  /** Bytes of JSON per batch POST (default 1,000,000: under nginx's default 1 MiB body limit). */
  maxBatchBytes?: number;
  /** Batch POSTs in flight at once (default 4). */
  concurrency?: number;
  /** Vertex cap per polygon geometry; above it the geometry is simplified (default 2000). */
  maxVertices?: number;
  /** Repair invalid polygons with the even-odd rule (default true); false refuses them. */
  repair?: boolean;
  /** Sends of one item before it is reported `failed` (default 5). */
  maxAttempts?: number;
  /**
   * Wait before listing the server after a batch timed out (client timeout or 504), so that a
   * write still in progress on the server is seen by the listing (default 1000 ms).
   */
  settleMs?: number;
  /** Called each time a batch POST is sent, with its number of items (for progress displays). */
  onBatch?: (items: number) => void;
}

/**
 * The content hash of an item, its default ledger key: SHA-256 of image id, sorted term ids,
 * frame and geometry (prefix `c:`). Identical items get the same hash; `createAnnotations`
 * adds `#n` for the n-th repeat within a run.
 * @param item - The item.
 * @param frame - Frame assumed when the item has none.
 * @example
 * ```ts
 * import { contentKey } from '@cytorx/core';
 * contentKey({ imageId: 1, termIds: [2], geometry: { type: 'Point', coordinates: [0, 0] } }, 'image');
 * ```
 */
export function contentKey(item: UploadItem, frame: Frame): string {
  const terms = [...item.termIds].sort((a, b) => a - b).join(',');
  const text = `${item.imageId}|${terms}|${item.frame ?? frame}|${JSON.stringify(item.geometry)}`;
  return `c:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/**
 * Creates annotations from a stream of items, in batches, safely:
 * - each geometry is converted to Cytomine's frame (`y' = H - y`, H fetched once per image),
 *   repaired or refused, clipped to the image, simplified under `maxVertices`, and refused
 *   with the server's reason when under 1 px wide or tall (see `prepareGeometry`);
 * - items are sent as JSON-array POSTs of at most `batchSize` items and `maxBatchBytes`
 *   bytes; both server answer styles are read (Spring `{data,status}`, Grails); new ids come
 *   from the `userannotations 11,12 added` message and are mapped back to items; a partial
 *   failure (206) reports exactly the refused items with the server's reasons;
 * - every id is written to the ledger as soon as it is known; items the ledger already holds
 *   are `skipped`; a POST is never retried blindly: when its answer is lost (reset,
 *   timeout, 5xx), the user's annotations on the image are listed and matched by geometry and
 *   terms, and only the missing items are sent again (at most `maxAttempts` sends).
 *
 * Emits one {@link UploadResult} per item (refusals and skips at once, the rest when their
 * batch is settled; not in input order). Unsubscribing aborts requests in flight; the ledger
 * then still tells a rerun what was done.
 * @param client - A client from `createClient`.
 * @param options - See {@link CreateAnnotationsOptions}; defaults: frame `'image'`, batchSize
 *   100, maxBatchBytes 1,000,000, concurrency 4, maxVertices 2000, repair true, maxAttempts 5,
 *   an in-memory ledger.
 * @throws AuthError (`CYTORX_AUTH`) when the keys are refused; AbortedError
 *   (`CYTORX_ABORTED`) when `signal` aborts. Other failures are reported per item.
 * @example
 * ```ts
 * import { createAnnotations, openLedger } from '@cytorx/core';
 * import { from } from 'rxjs';
 * const ledger = openLedger('preds.cytorx-ledger.jsonl');
 * from([{ imageId: 12, termIds: [5], geometry: { type: 'Point', coordinates: [10, 20] } }])
 *   .pipe(createAnnotations(client, { ledger }))
 *   .subscribe((r) => console.log(r.status, r.annotationId ?? r.reason));
 * ```
 */
export function createAnnotations(
  client: CytomineClient,
  options: CreateAnnotationsOptions = {},
): OperatorFunction<UploadItem, UploadResult> {
  const frame = options.frame ?? 'image';
  const batchSize = options.batchSize ?? 100;
  const maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
  const concurrency = options.concurrency ?? 4;
  return (source) =>
    defer(() => {
      const abort = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
      const session = new UploadSession(client, options, signal);
      const sender = new BatchSender(
        session,
        options.maxAttempts ?? 5,
        options.settleMs ?? 1000,
        options.onBatch,
      );
      const seen = new Map<string, number>();
      const prepare = async (item: UploadItem): Promise<ReadyItem | UploadResult> => {
        const hash = contentKey(item, frame);
        let key = item.key;
        if (key === undefined) {
          const base = hash;
          const n = (seen.get(base) ?? 0) + 1;
          seen.set(base, n);
          key = n === 1 ? base : `${base}#${n}`;
        } else if (seen.has(key)) {
          return { item, key, status: 'refused', reason: `duplicate item key ${key}` };
        } else {
          seen.set(key, 1);
        }
        const done = session.ledger.created(key);
        if (done) {
          return { item, key, status: 'skipped', annotationId: done.id, reason: 'already created (ledger)' };
        }
        let image: { width: number; height: number };
        try {
          image = await session.image(item.imageId);
        } catch (error) {
          if (isFatalWriteError(error)) throw error;
          const why = isCytorxError(error, 'CYTORX_NOT_FOUND')
            ? `image ${item.imageId} not found`
            : `image ${item.imageId} unavailable: ${error instanceof Error ? error.message : String(error)}`;
          return {
            item,
            key,
            status: isCytorxError(error, 'CYTORX_NOT_FOUND') ? 'refused' : 'failed',
            reason: why,
          };
        }
        const prepared = prepareGeometry(item.geometry, image, {
          frame: item.frame ?? frame,
          maxVertices: options.maxVertices ?? 2000,
          repair: options.repair ?? true,
        });
        if (!prepared.ok) return { item, key, status: 'refused', reason: prepared.reason };
        const entry = { location: prepared.wkt, image: item.imageId, term: [...item.termIds] };
        return {
          item,
          key,
          entry,
          bytes: Buffer.byteLength(JSON.stringify(entry)),
          hash,
          notes: prepared.notes,
          stale: session.ledger.isPending(key),
          attempts: 0,
        };
      };
      const isResult = (x: ReadyItem | UploadResult): x is UploadResult => 'status' in x;
      return source.pipe(
        concatMap((item) => from(prepare(item))),
        connect((prepared$) =>
          merge(
            prepared$.pipe(filter(isResult)),
            prepared$.pipe(
              filter((x): x is ReadyItem => !isResult(x)),
              batchBySize(batchSize, maxBatchBytes, (r) => r.bytes),
              mergeMap((batch) => from(sender.send(batch)), concurrency),
              concatMap((results): Observable<UploadResult> => from(results)),
            ),
          ),
        ),
        finalize(() => abort.abort()),
      );
    });
}
