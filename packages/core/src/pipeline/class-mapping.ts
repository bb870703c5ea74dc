import { ConfigError } from '../errors/config-error.js';
import type { Term } from '../resources/types.js';
import type { ClassDef, ClassMapping } from './types.js';

/** Options of {@link defaultClassMapping}. */
export interface DefaultClassMappingOptions {
  /** Class id for no term / unmapped term, 1..255; default 255. Skipped when numbering classes. */
  unlabeled?: number;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * The default class mapping: the ontology's terms sorted by term id get class ids 1..N (the
 * `unlabeled` id is skipped if it falls in that range), one term per class, named and coloured
 * after the term. Duplicate term ids are counted once.
 * @param terms - The ontology's terms.
 * @param options - `unlabeled` (default 255).
 * @throws ConfigError (`CYTORX_CONFIG`) when the terms do not fit in 8-bit class ids (more
 * than 254 terms with the default `unlabeled`) or `unlabeled` is not an integer in 1..255.
 * @example
 * ```ts
 * import { defaultClassMapping } from '@cytorx/core';
 * defaultClassMapping([{ id: 9, name: 'tumour' }, { id: 4, name: 'stroma' }]).classes;
 * // [{ id: 1, name: 'stroma', termIds: [4] }, { id: 2, name: 'tumour', termIds: [9] }]
 * ```
 */
export function defaultClassMapping(
  terms: ReadonlyArray<Term>,
  options: DefaultClassMappingOptions = {},
): ClassMapping {
  const unlabeled = options.unlabeled ?? 255;
  if (!Number.isInteger(unlabeled) || unlabeled < 1 || unlabeled > 255) {
    throw new ConfigError(`unlabeled must be an integer in 1..255, got ${String(unlabeled)}`);
  }
  const byId = new Map<number, Term>();
  for (const t of terms) if (!byId.has(t.id)) byId.set(t.id, t);
  const sorted = [...byId.values()].sort((a, b) => a.id - b.id);
  const classes: ClassDef[] = [];
  let next = 1;
  for (const term of sorted) {
    if (next === unlabeled) next++;
    if (next > 254) {
      throw new ConfigError(
        `the ontology has ${sorted.length} terms, more than the 8-bit class ids 1..254 can hold (unlabeled = ${unlabeled}); give a classes file that merges terms`,
      );
    }
    const def: ClassDef = { id: next++, name: term.name, termIds: [term.id] };
    if (typeof term.color === 'string' && COLOR.test(term.color)) def.color = term.color;
    classes.push(def);
  }
  return { background: 0, unlabeled, classes };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed `classes.json` value and returns it as a {@link ClassMapping}.
 * @internal Use {@link parseClassMapping}.
 */
export function validateClassMapping(value: unknown, source = 'classes.json'): ClassMapping {
  const fail = (where: string, what: string): never => {
    throw new ConfigError(`${source}: ${where} ${what}`);
  };
  if (!isRecord(value)) return fail('top level', 'must be an object { background, unlabeled, classes }');
  if (value.background !== undefined && value.background !== 0) {
    fail('background', `must be 0, got ${JSON.stringify(value.background)}`);
  }
  const unlabeled = value.unlabeled ?? 255;
  if (typeof unlabeled !== 'number' || !Number.isInteger(unlabeled) || unlabeled < 1 || unlabeled > 255) {
    fail('unlabeled', `must be an integer in 1..255, got ${JSON.stringify(unlabeled)}`);
  }
  if (!Array.isArray(value.classes)) return fail('classes', 'must be an array');
  const ids = new Map<number, number>();
  const termOwner = new Map<number, number>();
  const classes: ClassDef[] = value.classes.map((raw: unknown, i: number): ClassDef => {
    const at = `classes[${i}]`;
    if (!isRecord(raw)) return fail(at, 'must be an object { id, name, color?, termIds }');
    const { id, name, color, termIds } = raw;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 254) {
      fail(`${at}.id`, `must be an integer in 1..254, got ${JSON.stringify(id)}`);
    }
    const cid = id as number;
    if (ids.has(cid)) fail(`${at}.id`, `${cid} is already used by classes[${ids.get(cid)}]`);
    if (cid === unlabeled) fail(`${at}.id`, `${cid} collides with unlabeled (${unlabeled})`);
    ids.set(cid, i);
    if (typeof name !== 'string' || name.trim() === '') fail(`${at}.name`, 'must be a non-empty string');
    if (color !== undefined && color !== null && (typeof color !== 'string' || !COLOR.test(color))) {
      fail(`${at}.color`, `must be "#RRGGBB", got ${JSON.stringify(color)}`);
    }
    if (!Array.isArray(termIds)) return fail(`${at}.termIds`, 'must be an array of term ids');
    for (const t of termIds) {
      if (typeof t !== 'number' || !Number.isSafeInteger(t)) {
        fail(`${at}.termIds`, `must hold integer term ids, got ${JSON.stringify(t)}`);
      }
      const owner = termOwner.get(t as number);
      if (owner !== undefined) fail(`${at}.termIds`, `term ${t} is already mapped by classes[${owner}]`);
      termOwner.set(t as number, i);
    }
    const def: ClassDef = { id: cid, name: name as string, termIds: [...(termIds as number[])] };
    if (typeof color === 'string') def.color = color;
    return def;
  });
  return { background: 0, unlabeled: unlabeled as number, classes };
}

/**
 * Parses and validates a `classes.json` document (as text or already parsed): `background`
 * (0, optional), `unlabeled` (1..255, default 255), `classes` (each `{ id, name, color?,
 * termIds }`, ids integers 1..254, unique, distinct from `unlabeled`, a term in at most one
 * class, colours `#RRGGBB`).
 * @param json - The file's text, or the parsed value.
 * @param options - `source`: name used in error messages (default `classes.json`).
 * @throws ConfigError (`CYTORX_CONFIG`) naming the file and the offending field.
 * @example
 * ```ts
 * import { parseClassMapping } from '@cytorx/core';
 * import { readFileSync } from 'node:fs';
 * const mapping = parseClassMapping(readFileSync('classes.json', 'utf8'), { source: 'classes.json' });
 * ```
 */
export function parseClassMapping(json: unknown, options: { source?: string } = {}): ClassMapping {
  const source = options.source ?? 'classes.json';
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  return validateClassMapping(value, source);
}

/**
 * Serialises a class mapping as the `classes.json` text (2-space indented, trailing newline),
 * after validating it; {@link parseClassMapping} reads it back to an equal mapping.
 * @param mapping - The mapping in force.
 * @throws ConfigError (`CYTORX_CONFIG`) when the mapping is invalid.
 * @example
 * ```ts
 * import { classMappingToJson, defaultClassMapping } from '@cytorx/core';
 * const text = classMappingToJson(defaultClassMapping(terms));
 * ```
 */
export function classMappingToJson(mapping: ClassMapping): string {
  const valid = validateClassMapping(mapping, 'class mapping');
  const out = {
    background: 0,
    unlabeled: valid.unlabeled,
    classes: valid.classes.map((c) => ({
      id: c.id,
      name: c.name,
      ...(c.color !== undefined ? { color: c.color } : {}),
      termIds: c.termIds,
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
