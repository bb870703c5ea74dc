import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../errors/config-error.js';
import { defaultClassMapping, validateClassMapping } from '../pipeline/class-mapping.js';
import { DERIVED_ID_FACTOR, derivedFeatureId } from '../pipeline/derived-id.js';
import type { ClassDef, ClassMapping, Feature, WarningSink } from '../pipeline/types.js';
import { warnFeature } from '../pipeline/warn.js';
import type { Term } from '../resources/types.js';
import { flatMapSync } from './flat-map-sync.js';

/** How an annotation with several terms is classified by {@link mapClasses}. */
export type MultiTermPolicy = 'first' | 'skip' | 'duplicate' | 'priority';

/** Options of {@link mapClasses}. Give `mapping`, or `terms` to build the default one. */
export interface MapClassesOptions {
  /** The mapping in force (e.g. from `parseClassMapping`). Wins over `terms`. */
  mapping?: ClassMapping;
  /** The ontology's terms, for `defaultClassMapping(terms, { unlabeled })` when no `mapping`. */
  terms?: ReadonlyArray<Term>;
  /** Class id for the default mapping's unlabeled annotations; default 255. Ignored with `mapping`. */
  unlabeled?: number;
  /** `className` given to unlabeled features; default `'unlabeled'`. */
  unlabeledName?: string;
  /** Multi-term policy; default `'first'` (the ATrISys guide's behaviour). */
  multiTerm?: MultiTermPolicy;
  /**
   * Receives `NO_TERM` and `UNMAPPED_TERM` (feature kept with the unlabeled id, `skipped:
   * false`) and `MULTI_TERM_SKIPPED` (`skip` policy, `skipped: true`).
   */
  onWarning?: WarningSink;
}

const POLICIES: ReadonlyArray<MultiTermPolicy> = ['first', 'skip', 'duplicate', 'priority'];

/**
 * Sets `classId`/`className` from the feature's terms. Defaults follow the ATrISys guide:
 * background is 0 (never assigned to a feature), an annotation without a term gets
 * `unlabeled` (255), one whose term is not in the mapping gets `unlabeled` too. Without a
 * `mapping`, the ontology's terms sorted by term id get 1..N ({@link defaultClassMapping}).
 *
 * Multi-term policies (on the distinct term ids, in server order):
 * - `first`: the annotation's first term decides;
 * - `priority`: the term whose class comes first in `mapping.classes` wins;
 * - `skip`: annotations with more than one term are dropped (`MULTI_TERM_SKIPPED`);
 * - `duplicate`: one feature per term, with `termIds`/`terms` narrowed to that term; copy k
 *   gets id `derivedFeatureId(annotationId, k)` (copy 0 keeps the annotation id, copies
 *   k >= 1 get `-(annotationId * 256 + k)`, never equal to a real id); terms beyond the
 *   256th are dropped with a `MULTI_TERM_SKIPPED` warning.
 * @param options - See {@link MapClassesOptions}.
 * @throws ConfigError (`CYTORX_CONFIG`), synchronously, when neither `mapping` nor `terms` is
 * given, the mapping is invalid, or `multiTerm` is unknown. Errors thrown by `onWarning`
 * become the stream's error.
 * @example
 * ```ts
 * import { mapClasses } from '@cytorx/core';
 * features$.pipe(mapClasses({ terms, multiTerm: 'priority', onWarning: (w) => report.push(w) }));
 * ```
 */
export function mapClasses(options: MapClassesOptions): OperatorFunction<Feature, Feature> {
  const policy = options.multiTerm ?? 'first';
  if (!POLICIES.includes(policy)) {
    throw new ConfigError(`multiTerm must be one of ${POLICIES.join(', ')}, got ${JSON.stringify(policy)}`);
  }
  let mapping: ClassMapping;
  if (options.mapping) mapping = validateClassMapping(options.mapping, 'class mapping');
  else if (options.terms) {
    mapping = defaultClassMapping(
      options.terms,
      options.unlabeled === undefined ? {} : { unlabeled: options.unlabeled },
    );
  } else throw new ConfigError('mapClasses needs a mapping or the ontology terms');
  const { unlabeled } = mapping;
  const unlabeledName = options.unlabeledName ?? 'unlabeled';
  const { onWarning } = options;
  const classOf = new Map<number, { def: ClassDef; rank: number }>();
  mapping.classes.forEach((def, rank) => {
    for (const t of def.termIds) classOf.set(t, { def, rank });
  });

  const classify = (feature: Feature, termId: number | undefined): Feature => {
    if (termId === undefined) {
      warnFeature(
        onWarning,
        feature,
        'mapClasses',
        'NO_TERM',
        `annotation ${feature.annotationId}: no term, class ${unlabeled}`,
        false,
      );
      return { ...feature, classId: unlabeled, className: unlabeledName };
    }
    const hit = classOf.get(termId);
    if (!hit) {
      warnFeature(
        onWarning,
        feature,
        'mapClasses',
        'UNMAPPED_TERM',
        `annotation ${feature.annotationId}: term ${termId} is not in the class mapping, class ${unlabeled}`,
        false,
      );
      return { ...feature, classId: unlabeled, className: unlabeledName };
    }
    return { ...feature, classId: hit.def.id, className: hit.def.name };
  };

  return flatMapSync((feature: Feature): Feature[] => {
    const ids = [...new Set(feature.termIds)];
    if (ids.length <= 1) return [classify(feature, ids[0])];
    switch (policy) {
      case 'first':
        return [classify(feature, ids[0])];
      case 'priority': {
        let best: number | undefined;
        let bestRank = Infinity;
        for (const t of ids) {
          const rank = classOf.get(t)?.rank;
          if (rank !== undefined && rank < bestRank) {
            bestRank = rank;
            best = t;
          }
        }
        return [classify(feature, best ?? ids[0])];
      }
      case 'skip':
        warnFeature(
          onWarning,
          feature,
          'mapClasses',
          'MULTI_TERM_SKIPPED',
          `annotation ${feature.annotationId}: ${ids.length} terms (${ids.join(', ')}), skipped by the multi-term policy`,
          true,
        );
        return [];
      case 'duplicate': {
        if (ids.length > DERIVED_ID_FACTOR) {
          warnFeature(
            onWarning,
            feature,
            'mapClasses',
            'MULTI_TERM_SKIPPED',
            `annotation ${feature.annotationId}: ${ids.length} terms; only the first ${DERIVED_ID_FACTOR} are duplicated`,
            false,
          );
        }
        return ids.slice(0, DERIVED_ID_FACTOR).map((t, k) => {
          const copy: Feature = { ...feature, id: derivedFeatureId(feature.annotationId, k), termIds: [t] };
          if (feature.terms) copy.terms = feature.terms.filter((term) => term.id === t);
          return classify(copy, t);
        });
      }
    }
  });
}
