import type { Query, QueryValue } from './types.js';

function encodeValue(value: Exclude<QueryValue, undefined>): string {
  const raw = typeof value === 'object' ? value.join(',') : String(value);
  // Percent-encode like encodeURIComponent but keep commas readable: `terms=1,2,3`.
  return encodeURIComponent(raw).replace(/%2C/gi, ',');
}

/**
 * Encodes query parameters in a stable order (insertion order), skipping `undefined`.
 * Lists become comma-joined values and booleans `true`/`false`. Each key appears once.
 * @returns the query string without the leading `?` (empty when there is nothing to send)
 */
export function encodeQuery(query: Query | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeValue(value)}`);
  }
  return parts.join('&');
}

/** `path` plus `?query` when the query is not empty. */
export function withQuery(path: string, query: Query | undefined): string {
  const qs = encodeQuery(query);
  if (qs === '') return path;
  return path.includes('?') ? `${path}&${qs}` : `${path}?${qs}`;
}
