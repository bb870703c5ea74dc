import { CytorxError } from './cytorx-error.js';

/** A successful status with a body that is not what the API documents (code `CYTORX_BAD_RESPONSE`). */
export class BadResponseError extends CytorxError {
  readonly method: string;
  readonly path: string;
  readonly bodyExcerpt: string | undefined;

  constructor(
    details: { method: string; path: string; reason: string; bodyExcerpt?: string },
    options?: { cause?: unknown },
  ) {
    super('CYTORX_BAD_RESPONSE', `${details.method} ${details.path}: ${details.reason}`, options);
    this.method = details.method;
    this.path = details.path;
    this.bodyExcerpt = details.bodyExcerpt;
  }
}
