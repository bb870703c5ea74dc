import { basename } from 'node:path';
import { catchError, from, lastValueFrom, map, mergeMap, type Observable, of, toArray } from 'rxjs';
import { abortable } from '../client/abortable.js';
import type { CytomineClient } from '../client/types.js';
import { isCytorxError } from '../errors/cytorx-error.js';
import { getAnnotation, listAnnotations } from '../resources/annotations.js';
import type { Annotation } from '../resources/types.js';
import type { LedgerEntry, UploadLedger } from './ledger.js';
import type { DeleteItem } from './types.js';

/**
 * What `--replace` may delete:
 * - `ledger` (the default): only annotations that cytorx uploads created, as recorded for this
 *   target by this input's ledger (features no longer in the input) and by the earlier
 *   ledgers given in `from`; each one is checked against the server first;
 * - `user-terms`: also every annotation of this user with the input's terms on the input's
 *   images, hand-drawn ones included (the CLI asks for confirmation).
 */
export type ReplaceScope = 'ledger' | 'user-terms';

/** `--replace` options of `planUpload`. */
export interface ReplaceOptions {
  /** Default `'ledger'`. */
  scope?: ReplaceScope;
  /** Earlier ledgers (opened for the same target) whose annotations this upload replaces. */
  from?: readonly UploadLedger[];
}

/** A replace candidate that will not be deleted, and why. */
export interface SparedAnnotation {
  annotationId: number;
  label: string;
  reason: string;
}

/** What the replace step of a plan needs. @internal */
export interface ReplaceContext {
  client: CytomineClient;
  project: number;
  userId: number;
  ledger: UploadLedger;
  options: ReplaceOptions;
  /** The input's images that belong to the project. */
  images: ReadonlySet<number>;
  /** Per image, the terms of the input's features on it. */
  termsByImage: ReadonlyMap<number, ReadonlySet<number>>;
  /** Ledger keys of the input's features. */
  keys: ReadonlySet<string>;
  /** Annotation ids the plan keeps (skipped, updated) or already deletes. */
  taken: ReadonlySet<number>;
  signal?: AbortSignal;
}

interface Candidate {
  entry: LedgerEntry;
  source: string;
}

/** Checks of a ledger entry against the annotation on the server; a reason to spare it, if any. */
function spareReason(c: Candidate, a: Annotation, ctx: ReplaceContext): string | undefined {
  if (a.user !== undefined && a.user !== ctx.userId) return `it belongs to user ${a.user}, not to you`;
  if (a.image !== undefined && a.image !== c.entry.image)
    return `it is on image ${a.image}, the ledger says ${c.entry.image}`;
  if (a.project !== undefined && a.project !== ctx.project) return `it is in project ${a.project}`;
  const recorded = c.entry.terms;
  if (recorded !== undefined && [...recorded].sort().join(',') !== [...a.term].sort().join(',')) {
    return `its terms changed on the server since the upload (${a.term.join(',') || 'none'})`;
  }
  return undefined;
}

/** Each candidate checked on the server (GET), 4 at a time: a delete, or a reason to spare it. */
function check(
  ctx: ReplaceContext,
  candidates: Candidate[],
): Observable<{ delete?: DeleteItem & { reason: string }; spared?: SparedAnnotation }> {
  return from(candidates).pipe(
    mergeMap((c) => {
      const id = c.entry.id;
      const label = `annotation ${id} (image ${c.entry.image})`;
      return abortable(getAnnotation(ctx.client, id), ctx.signal, `checking annotation ${id}`).pipe(
        map((a) => {
          const why = spareReason(c, a, ctx);
          return why === undefined
            ? { delete: { annotationId: id, label, reason: `--replace (created by an upload: ${c.source})` } }
            : { spared: { annotationId: id, label, reason: `kept: ${why}` } };
        }),
        catchError((error: unknown) => {
          if (isCytorxError(error, 'CYTORX_NOT_FOUND')) {
            return of({ spared: { annotationId: id, label, reason: 'already absent (404)' } });
          }
          throw error;
        }),
      );
    }, 4),
  );
}

/**
 * The deletions of `--replace` (see {@link ReplaceScope}): ledger candidates on the input's
 * images, checked against the server (present, this user's, same image and project, terms
 * as uploaded); with `user-terms`, also this user's annotations with the input's terms.
 * @internal
 */
export async function planReplace(
  ctx: ReplaceContext,
): Promise<{ delete: Array<DeleteItem & { reason: string }>; spared: SparedAnnotation[] }> {
  const seen = new Set(ctx.taken);
  const candidates: Candidate[] = [];
  const add = (entry: LedgerEntry, source: string): void => {
    if (seen.has(entry.id) || !ctx.images.has(entry.image)) return;
    seen.add(entry.id);
    candidates.push({ entry, source });
  };
  for (const e of ctx.ledger.entries()) if (!ctx.keys.has(e.key)) add(e, 'no longer in the input');
  for (const earlier of ctx.options.from ?? []) {
    const name = earlier.path === undefined ? 'an earlier ledger' : basename(earlier.path);
    for (const e of earlier.entries()) add(e, `ledger ${name}`);
  }
  const checked = await lastValueFrom(check(ctx, candidates).pipe(toArray()));
  const out = {
    delete: checked.flatMap((c) => (c.delete ? [c.delete] : [])),
    spared: checked.flatMap((c) => (c.spared ? [c.spared] : [])),
  };
  if ((ctx.options.scope ?? 'ledger') !== 'user-terms') return out;
  for (const e of out.spared) seen.add(e.annotationId);
  for (const [imageId, terms] of ctx.termsByImage) {
    if (terms.size === 0) continue;
    const existing = await lastValueFrom(
      listAnnotations(
        ctx.client,
        { image: imageId, users: [ctx.userId], terms: [...terms], showWKT: false, showTerm: true },
        ctx.signal ? { signal: ctx.signal } : {},
      ).pipe(toArray()),
    );
    for (const a of existing) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      out.delete.push({
        annotationId: a.id,
        label: `annotation ${a.id} (image ${imageId})`,
        reason: '--replace-scope user-terms',
      });
    }
  }
  return out;
}
