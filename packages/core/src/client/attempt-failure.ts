import { AuthError } from '../errors/auth-error.js';
import type { CytorxError } from '../errors/cytorx-error.js';
import { HttpError } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { AuthMode, HttpMethod } from './types.js';

/**
 * Why one attempt failed, and whether trying again may help. Internal: the retry operator
 * turns it into the public error (with the number of attempts made) once it gives up.
 */
export class AttemptFailure extends Error {
  /** Whether the retry policy may try again. */
  readonly retryable: boolean;
  /** Delay the server asked for (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;
  /** Short reason for retry events, e.g. `503` or `reset`. */
  readonly reason: string;
  /** Builds the public error once the number of attempts is known. */
  readonly toError: (attempts: number) => CytorxError;

  constructor(details: {
    retryable: boolean;
    reason: string;
    retryAfterMs?: number | undefined;
    toError: (attempts: number) => CytorxError;
  }) {
    super(`attempt failed: ${details.reason}`);
    this.name = 'AttemptFailure';
    this.retryable = details.retryable;
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
    this.toError = details.toError;
  }
}

/** How retries apply to one request (decided from the method and the `retry` option). */
export interface RetryScope {
  /** Network errors and 502/503/504 may be retried (idempotent request, or `retry: true`). */
  transient: boolean;
  /** 500 may be retried (GET only). */
  serverError: boolean;
  /** 429 may be retried. */
  tooMany: boolean;
}

/** The retry scope of a request: see `RequestOptions.retry`. */
export function retryScope(method: HttpMethod, retry: boolean | undefined): RetryScope {
  if (retry === false) return { transient: false, serverError: false, tooMany: false };
  const idempotent = method !== 'POST' || retry === true;
  return { transient: idempotent, serverError: method === 'GET', tooMany: true };
}

const EXCERPT_LENGTH = 300;

/**
 * A short, single-line excerpt of an error body: Cytomine's `errors.message` (or `errors`
 * string) when the body is its JSON error shape, else the text with HTML tags removed.
 */
export function bodyExcerpt(body: Uint8Array): string | undefined {
  if (body.byteLength === 0) return undefined;
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 64 * 1024)).toString(
    'utf8',
  );
  let excerpt: string | undefined;
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'object' && json !== null) {
      const errors = (json as { errors?: unknown }).errors;
      if (typeof errors === 'string') excerpt = errors;
      else if (typeof errors === 'object' && errors !== null) {
        const message = (errors as { message?: unknown }).message;
        if (typeof message === 'string') excerpt = message;
      }
      const error = (json as { error?: unknown }).error;
      if (excerpt === undefined && typeof error === 'string') excerpt = error;
    }
  } catch {
    // not JSON: fall through to the text
  }
  excerpt ??= text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (excerpt.length > EXCERPT_LENGTH) excerpt = `${excerpt.slice(0, EXCERPT_LENGTH)}…`;
  return excerpt === '' ? undefined : excerpt;
}

/**
 * Parses a `Retry-After` value (delay in seconds, or an HTTP date) into ms from `now`.
 * @returns the delay, or `undefined` when absent or unreadable
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** Context of a failed request, for error messages. */
export interface FailureContext {
  method: HttpMethod;
  path: string;
  authMode: AuthMode;
  scope: RetryScope;
}

/** Maps an error status to the failure of one attempt. */
export function statusFailure(
  ctx: FailureContext,
  status: number,
  body: Uint8Array,
  retryAfterMs: number | undefined,
): AttemptFailure {
  const excerpt = bodyExcerpt(body);
  const details = {
    status,
    method: ctx.method,
    path: ctx.path,
    ...(excerpt === undefined ? {} : { bodyExcerpt: excerpt }),
  };
  if (status === 401 || status === 403) {
    return new AttemptFailure({
      retryable: false,
      reason: String(status),
      toError: (attempts) => new AuthError({ ...details, attempts, authMode: ctx.authMode }),
    });
  }
  if (status === 404) {
    return new AttemptFailure({
      retryable: false,
      reason: '404',
      toError: (attempts) => new NotFoundError({ ...details, attempts }),
    });
  }
  const retryable =
    (status === 429 && ctx.scope.tooMany) ||
    ((status === 502 || status === 503 || status === 504) && ctx.scope.transient) ||
    (status === 500 && ctx.scope.serverError);
  return new AttemptFailure({
    retryable,
    reason: String(status),
    retryAfterMs,
    toError: (attempts) => new HttpError({ ...details, attempts }),
  });
}

const REASONS: Record<string, string> = {
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'closed',
  ECONNREFUSED: 'refused',
  ECONNABORTED: 'reset',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns-again',
};

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in REASONS) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps an error thrown by the transport (no HTTP answer, or a body cut short) to the failure
 * of one attempt. `timedOut` tells that our own per-attempt timer aborted the request.
 */
export function networkFailure(ctx: FailureContext, error: unknown, timedOut: boolean): AttemptFailure {
  const code = errorCode(error);
  let reason = timedOut ? 'timeout' : code === undefined ? 'other' : (REASONS[code] ?? 'other');
  const retryable = ctx.scope.transient && reason !== 'dns' && reason !== 'other';
  if (reason === 'dns-again') reason = 'dns';
  return new AttemptFailure({
    retryable,
    reason,
    toError: (attempts) =>
      new NetworkError(
        { method: ctx.method, path: ctx.path, attempts, reason },
        { cause: timedOut ? new Error('request timed out') : error },
      ),
  });
}
