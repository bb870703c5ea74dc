import type { Annotation } from './types.js';

/**
 * Reads a Cytomine date (epoch ms as a number, a string of digits, or an ISO date string).
 * @param value the raw `created`/`updated` value
 * @returns epoch ms, or `undefined` when missing or unreadable (never throws)
 * @example
 * ```ts
 * import { toEpochMs } from '@cytorx/core';
 * toEpochMs('1700000000000'); // 1700000000000
 * toEpochMs(null); // undefined
 * ```
 */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function toId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
  if (typeof value === 'object' && value !== null) return toId((value as { id?: unknown }).id);
  return undefined;
}

/**
 * Reads the `term` field of an annotation: an array of ids (`showTerm`), a scalar (a term
 * filter without `showTerm` returns the lowest term id), or missing/`null`.
 * @param value the raw `term` value
 * @returns the term ids, always an array (empty when none; duplicates removed; never throws)
 * @example
 * ```ts
 * import { toTermIds } from '@cytorx/core';
 * toTermIds(7); // [7]
 * toTermIds(undefined); // []
 * ```
 */
export function toTermIds(value: unknown): number[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const ids: number[] = [];
  for (const item of list) {
    const id = toId(item);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * Returns a copy of a resource with `created`/`updated`/`deleted` normalised: numbers or digit
 * strings become epoch-ms numbers, `null`/unreadable values are dropped.
 */
export function normalizeDates<T extends Record<string, unknown>>(raw: T): T {
  const out: Record<string, unknown> = { ...raw };
  for (const key of ['created', 'updated', 'deleted'] as const) {
    if (!(key in out)) continue;
    const ms = toEpochMs(out[key]);
    if (ms === undefined) delete out[key];
    else out[key] = ms;
  }
  return out as T;
}

/**
 * Normalises an annotation as listed or fetched: `term` is always an array of ids,
 * `created`/`updated` are epoch-ms numbers, and keys whose value is `null` are dropped
 * (the listing decides its columns from the first row, so missing and `null` mean the same).
 * @param raw one annotation object from the server
 * @returns a new object (the input is not modified; never throws)
 * @example
 * ```ts
 * import { normalizeAnnotation } from '@cytorx/core';
 * normalizeAnnotation({ id: 1, term: 7, created: '1700000000000' }); // { id: 1, term: [7], created: 1700000000000 }
 * ```
 */
export function normalizeAnnotation(raw: Record<string, unknown>): Annotation {
  const out: Record<string, unknown> = {};
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    const value = raw[key];
    if (value === null || value === undefined) continue;
    if (key === 'created' || key === 'updated' || key === 'deleted') {
      const ms = toEpochMs(value);
      if (ms !== undefined) out[key] = ms;
    } else {
      out[key] = value;
    }
  }
  out.term = toTermIds(raw.term);
  const id = toId(raw.id);
  if (id !== undefined) out.id = id;
  return out as Annotation;
}

/** True for an array of finite numbers without duplicates (what `showTerm` lists give). */
function isTermIdList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const t: unknown = value[i];
    if (typeof t !== 'number' || !Number.isFinite(t)) return false;
    for (let j = 0; j < i; j++) if (value[j] === t) return false;
  }
  return true;
}

const DATE_KEYS = ['created', 'updated', 'deleted'] as const;

/**
 * {@link normalizeAnnotation} for an object the caller owns (freshly parsed from a response):
 * when it is already normal apart from a scalar `term` (no `null` value, numeric `id` and
 * dates), it is normalised in place and returned, saving a copy of every listed annotation;
 * otherwise a normalised copy is returned. Either way the result equals
 * `normalizeAnnotation(raw)`. @internal
 */
export function normalizeOwnedAnnotation(raw: Record<string, unknown>): Annotation {
  for (const key in raw) {
    const value = raw[key];
    if (value === null || value === undefined) return normalizeAnnotation(raw);
  }
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isFinite(id)) return normalizeAnnotation(raw);
  for (const key of DATE_KEYS) {
    const v = raw[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return normalizeAnnotation(raw);
  }
  if (!isTermIdList(raw.term)) raw.term = toTermIds(raw.term);
  return raw as unknown as Annotation;
}
