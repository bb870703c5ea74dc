/** One entry of the `errors` array of a batch answer. */
export interface BatchEntryError {
  /** The element as the client sent it, when the server echoes it. */
  data?: unknown;
  message: string;
}

/** A batch POST answer, whatever the server line. */
export interface BatchOutcome {
  /** 200 every element saved, 206 some, 400 none (from the body, or inferred from it). */
  status: 200 | 206 | 400;
  /** The new ids, in the order of the saved elements (parsed from the message). */
  ids: number[];
  /** Whether `ids` could be read from the message at all. */
  idsKnown: boolean;
  errors: BatchEntryError[];
  message: string;
}

const IDS = /\b\w*annotations?\b\s*((?:\d+\s*,\s*)*\d+)?/i;

/**
 * Reads the new ids out of a batch message: `userannotations 11,12,13 added`,
 * `Only part of the entries (userannotations 11,12` or `userannotations  added` (none).
 * Returns `undefined` when the message does not have that shape.
 * @param message - The batch answer's `message`.
 * @returns The ids in message order (`[]` for none), or `undefined`.
 * @example
 * ```ts
 * import { parseSavedIds } from '@cytorx/core';
 * parseSavedIds('Only part of the entries (userannotations 11,12'); // [11, 12]
 * ```
 */
export function parseSavedIds(message: string): number[] | undefined {
  if (/^\s*No entry saved/i.test(message)) return [];
  const m = IDS.exec(message);
  if (!m) return undefined;
  return m[1] === undefined ? [] : m[1].split(',').map((s) => Number(s.trim()));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toErrors(v: unknown): BatchEntryError[] {
  if (!Array.isArray(v)) return [];
  return v.map((e) => {
    if (!isRecord(e)) return { message: String(e) };
    const message =
      typeof e.message === 'string'
        ? e.message
        : isRecord(e.errors) && typeof e.errors.message === 'string'
          ? e.errors.message
          : typeof e.errors === 'string'
            ? e.errors
            : JSON.stringify(e);
    return 'data' in e ? { data: e.data, message } : { message };
  });
}

/**
 * Parses the answer to a batch `POST /api/annotation.json` (an array body) in both server
 * styles of `cytomine-api.md` §4.6:
 * - Spring (CORE/ULG/MONO): HTTP 200, body `{ data: { message, errors? }, status: 200|206|400 }`;
 * - Grails (legacy): the status is the HTTP status and the body is the inner object.
 *
 * The status is taken from the body (Spring), else from `httpStatus`, and checked against the
 * content: errors with ids is 206, errors without ids is 400, no errors is 200. Returns
 * `undefined` when the body is not a batch answer at all (the caller must then treat the
 * batch as unknown and reconcile it).
 * @param httpStatus - HTTP status of the response (0 or 200 when unknown).
 * @param body - The parsed JSON body.
 * @example
 * ```ts
 * import { parseBatchResponse } from '@cytorx/core';
 * parseBatchResponse(200, { data: { message: 'userannotations 11,12 added' }, status: 200 })?.ids; // [11, 12]
 * ```
 */
export function parseBatchResponse(httpStatus: number, body: unknown): BatchOutcome | undefined {
  if (!isRecord(body)) return undefined;
  let inner: Record<string, unknown> = body;
  let declared = httpStatus;
  if (isRecord(body.data) && (typeof body.status === 'number' || typeof body.status === 'string')) {
    inner = body.data;
    declared = Number(body.status);
  }
  const message = typeof inner.message === 'string' ? inner.message : '';
  const errors = toErrors(inner.errors);
  const parsed = parseSavedIds(message);
  if (parsed === undefined && errors.length === 0) return undefined;
  const ids = parsed ?? [];
  let status: 200 | 206 | 400;
  if (errors.length === 0 && declared !== 206 && declared !== 400) status = 200;
  else if (ids.length > 0 || declared === 206) status = 206;
  else status = 400;
  return { status, ids, idsKnown: parsed !== undefined, errors, message };
}
