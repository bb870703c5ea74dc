/**
 * Every error code cytorx raises. Codes are stable: match on them, not on messages.
 *
 * - `CYTORX_HTTP`: the server answered with an error status (see {@link HttpError}).
 * - `CYTORX_AUTH`: 401/403, the keys or the auth mode are wrong (see {@link AuthError}).
 * - `CYTORX_NOT_FOUND`: 404 on a resource (see {@link NotFoundError}).
 * - `CYTORX_NETWORK`: connection refused/reset, DNS, timeout after retries (see {@link NetworkError}).
 * - `CYTORX_BAD_RESPONSE`: a 2xx body that is not what the API documents (see {@link BadResponseError}).
 * - `CYTORX_INVALID_GEOMETRY`: a geometry that cannot be used (see {@link InvalidGeometryError}).
 * - `CYTORX_WRITER`: a writer hook failed (see {@link WriterError}).
 * - `CYTORX_CONFIG`: bad options, flags or config file (see {@link ConfigError}).
 * - `CYTORX_ABORTED`: the caller aborted the operation.
 */
export type CytorxErrorCode =
  | 'CYTORX_HTTP'
  | 'CYTORX_AUTH'
  | 'CYTORX_NOT_FOUND'
  | 'CYTORX_NETWORK'
  | 'CYTORX_BAD_RESPONSE'
  | 'CYTORX_INVALID_GEOMETRY'
  | 'CYTORX_WRITER'
  | 'CYTORX_CONFIG'
  | 'CYTORX_ABORTED';

/**
 * Base class of every error cytorx throws. Carries a literal {@link CytorxErrorCode} and,
 * where there is one, the underlying error as `cause`. Messages never contain secrets.
 */
export class CytorxError extends Error {
  readonly code: CytorxErrorCode;

  constructor(code: CytorxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * True when `error` is a cytorx error (optionally with the given code). Checks the `code`
 * property, so it also recognises errors from another copy of the package.
 * @example
 * ```ts
 * import { isCytorxError } from '@cytorx/core';
 * if (isCytorxError(err, 'CYTORX_AUTH')) console.error('check your keys');
 * ```
 */
export function isCytorxError(error: unknown, code?: CytorxErrorCode): error is CytorxError {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  if (typeof c !== 'string' || !c.startsWith('CYTORX_')) return false;
  return code === undefined || c === code;
}
