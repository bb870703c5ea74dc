import type { OperatorFunction } from 'rxjs';
import { defer, map } from 'rxjs';
import type { Feature, WarningSink } from '../pipeline/types.js';
import { warnFeature } from '../pipeline/warn.js';
import type { Term } from '../resources/types.js';

/** The ontology's terms: a list, a map by id, or a lookup function. */
export type TermLookup =
  | ReadonlyArray<Term>
  | ReadonlyMap<number, Term>
  | ((termId: number) => Term | undefined);

/** Options of {@link resolveTerms}. */
export interface ResolveTermsOptions {
  /** Receives an `UNKNOWN_TERM` warning (not skipped) per term id the lookup does not know. */
  onWarning?: WarningSink;
}

function toFunction(terms: TermLookup): (id: number) => Term | undefined {
  if (typeof terms === 'function') return terms;
  if (Array.isArray(terms)) {
    const byId = new Map<number, Term>((terms as ReadonlyArray<Term>).map((t) => [t.id, t]));
    return (id) => byId.get(id);
  }
  const m = terms as ReadonlyMap<number, Term>;
  return (id) => m.get(id);
}

/**
 * Resolves each feature's `termIds` to term objects (name, colour) and sets `feature.terms`,
 * in `termIds` order. A term id the ontology does not know gives an `UNKNOWN_TERM` warning
 * (`skipped: false`) and is left out of `terms`; the feature continues (its `termIds` are
 * kept, so `mapClasses` still sees it).
 * @param terms - The ontology's terms (`listTerms(client, { project })`), as a list, a map by
 * id or a function.
 * @param options - `onWarning`.
 * @throws Errors thrown by a lookup function or by `onWarning` become the stream's error.
 * @example
 * ```ts
 * import { resolveTerms } from '@cytorx/core';
 * features$.pipe(resolveTerms(terms, { onWarning: (w) => report.push(w) }));
 * ```
 */
export function resolveTerms(
  terms: TermLookup,
  options: ResolveTermsOptions = {},
): OperatorFunction<Feature, Feature> {
  const { onWarning } = options;
  return (source) =>
    defer(() => {
      const get = toFunction(terms);
      return source.pipe(
        map((feature: Feature): Feature => {
          const resolved: Term[] = [];
          for (const id of feature.termIds) {
            const term = get(id);
            if (term) resolved.push(term);
            else {
              warnFeature(
                onWarning,
                feature,
                'resolveTerms',
                'UNKNOWN_TERM',
                `annotation ${feature.annotationId}: term ${id} is not in the ontology`,
                false,
              );
            }
          }
          return { ...feature, terms: resolved };
        }),
      );
    });
}
