import type { BatchOutcome } from './batch-response.js';

/** One element of a batch body, as sent. */
export interface SentEntry {
  location: string;
  image: number;
  term: readonly number[];
}

/** Which sent element got which fate, by index in the batch. */
export interface Assignment {
  created: Array<{ index: number; id: number }>;
  refused: Array<{ index: number; reason: string }>;
  /** Saved or not, the answer does not say: reconcile these with a listing before resending. */
  unknown: number[];
  /** Certainly not saved, with no reason given: safe to resend. */
  unsaved: number[];
  /**
   * Error messages that could not be tied to an element, in server order. After a listing,
   * the unknown elements not found on the server are these, in the same order.
   */
  unmatchedErrors: string[];
}

function echoed(data: unknown): { location?: string; image?: number } {
  if (typeof data !== 'object' || data === null) return {};
  const d = data as Record<string, unknown>;
  const out: { location?: string; image?: number } = {};
  if (typeof d.location === 'string') out.location = d.location;
  const image = d.image ?? d.slice;
  if (typeof image === 'number' || (typeof image === 'string' && image !== '')) out.image = Number(image);
  return out;
}

/**
 * Maps a parsed batch answer back onto the elements sent, robustly:
 * 1. each error whose echoed `data` has the `location` (and `image`) of an element marks
 *    that element refused (identical elements are taken in order);
 * 2. when every error was tied to an element and the message lists exactly as many ids as
 *    elements remain, the ids go to the remaining elements in order (the server saves the
 *    elements one by one, in order, so its ids follow the array order);
 * 3. when nothing was saved (status 400, no ids) and errors remain untied, they are tied to the
 *    remaining elements by position if the counts agree; otherwise those elements are
 *    `unsaved` (resending them is safe);
 * 4. anything else (ids missing or counts that disagree) leaves the remaining elements
 *    `unknown`: the caller lists the server to decide, and never resends blindly.
 * @param entries - The elements in the order sent.
 * @param outcome - From `parseBatchResponse`.
 */
export function assignOutcome(entries: readonly SentEntry[], outcome: BatchOutcome): Assignment {
  const refused: Assignment['refused'] = [];
  const failed = new Set<number>();
  const unmatchedErrors: string[] = [];
  for (const error of outcome.errors) {
    const data = echoed(error.data);
    let hit = -1;
    if (data.location !== undefined) {
      hit = entries.findIndex(
        (e, i) =>
          !failed.has(i) &&
          e.location === data.location &&
          (data.image === undefined || data.image === e.image),
      );
    }
    if (hit >= 0) {
      failed.add(hit);
      refused.push({ index: hit, reason: error.message });
    } else {
      unmatchedErrors.push(error.message);
    }
  }
  const remaining = entries.map((_, i) => i).filter((i) => !failed.has(i));
  const result: Assignment = { created: [], refused, unknown: [], unsaved: [], unmatchedErrors };
  if (outcome.idsKnown && unmatchedErrors.length === 0 && remaining.length === outcome.ids.length) {
    result.created = remaining.map((index, k) => ({ index, id: outcome.ids[k]! }));
    return result;
  }
  if (outcome.status === 400 && outcome.ids.length === 0) {
    if (unmatchedErrors.length === remaining.length) {
      remaining.forEach((index, k) => {
        refused.push({ index, reason: unmatchedErrors[k]! });
      });
      result.unmatchedErrors = [];
    } else {
      result.unsaved = remaining;
    }
    return result;
  }
  result.unknown = remaining;
  return result;
}
