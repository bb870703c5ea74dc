import { lastValueFrom } from 'rxjs';
import { HttpError } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { AnnotationMatcher, parseWktGeometry } from './annotation-matcher.js';
import { assignOutcome, type SentEntry } from './assign-outcome.js';
import { type BatchOutcome, parseBatchResponse } from './batch-response.js';
import type { LedgerEntry } from './ledger.js';
import { envelope } from './prepare-geometry.js';
import type { UploadItem, UploadResult } from './types.js';
import type { UploadSession } from './upload-session.js';
import { isFatalWriteError } from './write-error.js';

/** An item ready to send. Internal. */
export interface ReadyItem {
  item: UploadItem;
  key: string;
  entry: SentEntry;
  /** JSON size of `entry` in bytes. */
  bytes: number;
  notes: string[];
  /** Content hash of the item (recorded in the ledger). */
  hash: string;
  /** True when an earlier run sent this key without recording the outcome. */
  stale: boolean;
  attempts: number;
  lastError?: string;
}

type Answer = { outcome: BatchOutcome } | { error: unknown };

/** What an answer leaves open. */
interface Settled {
  unsaved: ReadyItem[];
  unknown: ReadyItem[];
  errors: string[];
}

function isTimeout(error: unknown): boolean {
  return (
    (error instanceof NetworkError && error.reason === 'timeout') ||
    (error instanceof HttpError && error.status === 504)
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first server `message` in a (possibly truncated) JSON text that is not the batch summary. */
function reasonFromText(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const messages = [...text.matchAll(/"message"\s*:\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  return messages.find((m) => !/^No entry saved|^Only part of the entries/.test(m)) ?? messages[0] ?? text;
}

/**
 * Sends batches of annotations and settles the fate of every item. A batch POST is never
 * retried blindly: when its answer is lost (network error, 5xx, unreadable body), the
 * current user's annotations on the batch's images are listed (alone, with no batch in
 * flight) and matched by geometry and terms; only what is not on the server is sent again.
 * Internal.
 */
export class BatchSender {
  private readonly session: UploadSession;
  private readonly maxAttempts: number;
  private readonly settleMs: number;

  private readonly onBatch: ((items: number) => void) | undefined;

  constructor(
    session: UploadSession,
    maxAttempts: number,
    settleMs = 1000,
    onBatch?: (items: number) => void,
  ) {
    this.session = session;
    this.maxAttempts = maxAttempts;
    this.settleMs = settleMs;
    this.onBatch = onBatch;
  }

  /** Sends one batch; resolves with one result per item. Rejects only on fatal errors. */
  async send(batch: ReadyItem[]): Promise<UploadResult[]> {
    const results: UploadResult[] = [];
    let queue = batch;
    const stale = batch.filter((r) => r.stale);
    if (stale.length > 0) {
      for (const r of stale) r.stale = false;
      const missing = await this.reconcile(stale, [], results);
      queue = [...missing, ...batch.filter((r) => !stale.includes(r))];
    }
    while (queue.length > 0) {
      const sending = queue;
      for (const r of sending) r.attempts++;
      this.session.ledger.markPending(sending.map((r) => ({ key: r.key, image: r.item.imageId })));
      // Ids are recorded before the shared section ends, so a reconciling listing (exclusive)
      // never sees an annotation of this batch as unaccounted for.
      const answer = await this.session.lock.shared(async () => {
        const a = await this.post(sending);
        return 'outcome' in a ? this.applyOutcome(sending, a.outcome, results) : a;
      });
      queue = await this.settle(sending, answer, results);
    }
    return results;
  }

  /** Records what an answer says for sure; returns what is left to decide. */
  private applyOutcome(sending: ReadyItem[], outcome: BatchOutcome, results: UploadResult[]): Settled {
    const a = assignOutcome(
      sending.map((r) => r.entry),
      outcome,
    );
    this.record(
      a.created.map(({ index, id }) => ({ ready: sending[index]!, id })),
      results,
    );
    for (const { index, reason } of a.refused) results.push(this.refused(sending[index]!, reason));
    return {
      unsaved: a.unsaved.map((i) => sending[i]!),
      unknown: a.unknown.map((i) => sending[i]!),
      errors: a.unmatchedErrors,
    };
  }

  private async post(sending: ReadyItem[]): Promise<Answer> {
    this.onBatch?.(sending.length);
    try {
      const body = await lastValueFrom(
        this.session.client.request('POST', '/api/annotation.json', {
          body: sending.map((r) => r.entry),
          retry: false,
          signal: this.session.signal,
        }),
      );
      const outcome = parseBatchResponse(200, body);
      return outcome ? { outcome } : { error: new Error('unreadable batch answer') };
    } catch (error) {
      if (error instanceof HttpError && error.status === 400) {
        // Grails answers a fully refused batch with HTTP 400 and the batch object as body.
        const outcome = this.parseExcerpt(error.bodyExcerpt);
        if (outcome) return { outcome };
      }
      return { error };
    }
  }

  private parseExcerpt(text: string | undefined): BatchOutcome | undefined {
    if (!text) return undefined;
    try {
      return parseBatchResponse(400, JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  /** Settles one answer; returns the items to send again. */
  private async settle(
    sending: ReadyItem[],
    answer: Settled | { error: unknown },
    results: UploadResult[],
  ): Promise<ReadyItem[]> {
    if (!('error' in answer)) {
      const again = this.retryable(answer.unsaved, 'not saved', results);
      if (answer.unknown.length === 0) return again;
      return [...again, ...(await this.reconcile(answer.unknown, answer.errors, results))];
    }
    const { error } = answer;
    if (isFatalWriteError(error)) throw error;
    if (error instanceof HttpError && error.status >= 400 && error.status < 500 && error.status !== 408) {
      if (error.status === 429) return this.retryable(sending, describe(error), results);
      // The request was refused as a whole: nothing was saved.
      if (sending.length > 1 && (error.status === 413 || error.status === 400)) {
        // Too large, or refused without per-item reasons: halve until each item has its answer.
        for (const r of sending) r.attempts--;
        const half = Math.ceil(sending.length / 2);
        results.push(...(await this.send(sending.slice(0, half))), ...(await this.send(sending.slice(half))));
        return [];
      }
      const reason =
        error.status === 413
          ? `request body too large for the server (413, ${sending[0]!.bytes} bytes); lower maxVertices`
          : (reasonFromText(error.bodyExcerpt) ?? describe(error));
      for (const r of sending) results.push(this.refused(r, reason));
      return [];
    }
    for (const r of sending) r.lastError = describe(error);
    if (isTimeout(error) && this.settleMs > 0) {
      // The server may still be working on a request we gave up waiting for: let it finish
      // before the listing decides what was saved.
      await new Promise((resolve) => setTimeout(resolve, this.settleMs));
    }
    return this.reconcile(sending, [], results);
  }

  private retryable(items: ReadyItem[], reason: string, results: UploadResult[]): ReadyItem[] {
    const again: ReadyItem[] = [];
    for (const r of items) {
      if (r.attempts < this.maxAttempts) again.push(r);
      else results.push(this.failed(r, `${r.lastError ?? reason} (after ${r.attempts} attempts)`));
    }
    return again;
  }

  /**
   * Lists the server (no batch in flight) and matches the items against the current user's
   * annotations not yet accounted for. Found items are recorded; the missing ones are refused
   * with `errors` (when the counts agree: the server reports errors in array order) or
   * returned to be sent again.
   */
  private async reconcile(
    items: ReadyItem[],
    errors: string[],
    results: UploadResult[],
  ): Promise<ReadyItem[]> {
    let found: Array<{ ready: ReadyItem; id: number }>;
    let missing: ReadyItem[];
    try {
      [found, missing] = await this.session.lock.exclusive(() => this.match(items));
    } catch (error) {
      if (isFatalWriteError(error)) throw error;
      const why = `outcome unknown (${items[0]?.lastError ?? 'no answer'}); the listing to check it failed: ${describe(error)}; rerun with the same ledger`;
      for (const r of items) results.push(this.failed(r, why));
      return [];
    }
    this.record(found, results);
    if (errors.length > 0 && errors.length === missing.length) {
      missing.forEach((r, k) => {
        results.push(this.refused(r, errors[k]!));
      });
      return [];
    }
    return this.retryable(missing, 'not saved', results);
  }

  private async match(items: ReadyItem[]): Promise<[Array<{ ready: ReadyItem; id: number }>, ReadyItem[]]> {
    const geometries = items.map((r) => parseWktGeometry(r.entry.location));
    // One listing per image, limited to the batch's extent (plus a pixel).
    const extents = new Map<number, [number, number, number, number]>();
    items.forEach((r, k) => {
      const g = geometries[k];
      if (!g) return;
      const [minX, minY, maxX, maxY] = envelope(g);
      const e = extents.get(r.entry.image);
      if (e)
        extents.set(r.entry.image, [
          Math.min(e[0], minX),
          Math.min(e[1], minY),
          Math.max(e[2], maxX),
          Math.max(e[3], maxY),
        ]);
      else extents.set(r.entry.image, [minX, minY, maxX, maxY]);
    });
    const listed = await Promise.all(
      [...extents].map(([image, [minX, minY, maxX, maxY]]) =>
        this.session.myAnnotations(image, [minX - 1, minY - 1, maxX + 1, maxY + 1]),
      ),
    );
    const ledger = this.session.ledger;
    const matcher = new AnnotationMatcher(listed.flat(), (id) => ledger.owns(id));
    const found: Array<{ ready: ReadyItem; id: number }> = [];
    const missing: ReadyItem[] = [];
    items.forEach((r, k) => {
      const g = geometries[k];
      const id = g ? matcher.take(r.entry.image, r.entry.term, g) : undefined;
      if (id === undefined) missing.push(r);
      else found.push({ ready: r, id });
    });
    // Record under the lock, so that no other listing can claim the same ids.
    ledger.markCreated(found.map(({ ready, id }) => this.entry(ready, id)));
    return [found, missing];
  }

  private record(created: Array<{ ready: ReadyItem; id: number }>, results: UploadResult[]): void {
    const ledger = this.session.ledger;
    const fresh = created.filter(({ ready }) => ledger.created(ready.key) === undefined);
    ledger.markCreated(fresh.map(({ ready, id }) => this.entry(ready, id)));
    for (const { ready, id } of created) {
      results.push({
        item: ready.item,
        key: ready.key,
        status: 'created',
        annotationId: id,
        ...this.notes(ready),
      });
    }
  }

  private entry(r: ReadyItem, id: number): LedgerEntry {
    return { key: r.key, id, image: r.item.imageId, hash: r.hash, terms: [...r.entry.term] };
  }

  private notes(r: ReadyItem): { notes?: string[] } {
    return r.notes.length > 0 ? { notes: r.notes } : {};
  }

  private refused(r: ReadyItem, reason: string): UploadResult {
    return { item: r.item, key: r.key, status: 'refused', reason, ...this.notes(r) };
  }

  private failed(r: ReadyItem, reason: string): UploadResult {
    return { item: r.item, key: r.key, status: 'failed', reason, ...this.notes(r) };
  }
}
