import { badRequest } from './respond.js';

/** Java `Boolean.parseBoolean`: true only for "true", ignoring case. */
export function parseBool(v: string | undefined): boolean {
  return v !== undefined && v.toLowerCase() === 'true';
}

/** A long parameter, or undefined when absent/empty; 400 when not an integer. */
export function parseLong(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '' || v === 'null') return undefined;
  if (!/^-?\d+$/.test(v.trim())) badRequest(`Parameter ${name} is not a valid number: ${v}`);
  return Number(v.trim());
}

/** A comma-separated list of longs (`terms=1,2,3`). */
export function parseLongList(name: string, v: string | undefined): number[] | undefined {
  if (v === undefined || v === '' || v === 'null') return undefined;
  return v
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => parseLong(name, s)!);
}

/** A date parameter given as epoch ms (or an ISO date, tolerated). */
export function parseDateMs(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^-?\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) badRequest(`Parameter ${name} is not a valid date: ${v}`);
  return t;
}

/** Turns a JSON body value into a query-parameter string (arrays comma-joined). */
export function toParam(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => String(x)).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
