import { CytorxError, type CytorxErrorCode } from './cytorx-error.js';

/** What an {@link HttpError} knows about the failed request. Never contains keys or signatures. */
export interface HttpErrorDetails {
  /** HTTP status of the last attempt. */
  status: number;
  /** HTTP method, upper case. */
  method: string;
  /** Path and query of the request (no host, no credentials). */
  path: string;
  /** The first few hundred characters of the response body, if any. */
  bodyExcerpt?: string;
  /** Number of attempts made (1 when not retried). */
  attempts?: number;
}

/**
 * The server answered with an error status (code `CYTORX_HTTP`).
 * @example `GET /api/project/12/imageinstance.json?offset=400 failed with 503 after 5 attempts`
 */
export class HttpError extends CytorxError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly bodyExcerpt: string | undefined;
  readonly attempts: number;

  constructor(
    details: HttpErrorDetails,
    options?: { cause?: unknown; message?: string; code?: CytorxErrorCode },
  ) {
    const attempts = details.attempts ?? 1;
    const msg =
      options?.message ??
      `${details.method} ${details.path} failed with ${details.status}` +
        (attempts > 1 ? ` after ${attempts} attempts` : '') +
        (details.bodyExcerpt ? `: ${details.bodyExcerpt}` : '');
    super(options?.code ?? 'CYTORX_HTTP', msg, options);
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.bodyExcerpt = details.bodyExcerpt;
    this.attempts = attempts;
  }
}
