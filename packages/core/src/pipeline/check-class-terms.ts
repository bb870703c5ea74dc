import { ConfigError } from '../errors/config-error.js';
import type { Term } from '../resources/types.js';
import type { ClassMapping } from './types.js';

/**
 * Checks a class mapping (e.g. a `--classes` file) against the terms of the project it is
 * applied to: every term id it maps must be one of them. A mapping made for another project
 * or ontology would otherwise match no annotation, and every feature would silently become
 * `unlabeled`.
 *
 * @param mapping - The class mapping (`parseClassMapping`).
 * @param terms - The project's terms (`listTerms(client, { project })`).
 * @param source - Where the mapping comes from, for the message (e.g. the file name). Default `classes`.
 * @throws ConfigError `CYTORX_CONFIG` naming every unknown term id with its class, and the
 *   project's terms.
 * @example
 * ```ts
 * import { checkClassTerms, listTerms, parseClassMapping } from '@cytorx/core';
 * import { lastValueFrom, toArray } from 'rxjs';
 * const terms = await lastValueFrom(listTerms(client, { project: 142 }).pipe(toArray()));
 * checkClassTerms(parseClassMapping(text), terms, 'classes.json');
 * ```
 */
export function checkClassTerms(mapping: ClassMapping, terms: readonly Term[], source = 'classes'): void {
  const known = new Set(terms.map((t) => t.id));
  const unknown = mapping.classes.flatMap((c) =>
    c.termIds.filter((t) => !known.has(t)).map((t) => `${t} (class ${c.id} "${c.name}")`),
  );
  if (unknown.length === 0) return;
  const list = terms.length === 0 ? 'none' : terms.map((t) => `${t.id} ${t.name}`).join(', ');
  throw new ConfigError(
    `${source}: term id${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the project's ontology (its terms: ${list}); a mapping for another project would leave every annotation unlabeled`,
  );
}
