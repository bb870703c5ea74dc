import { CytorxError } from './cytorx-error.js';

/**
 * The request never got an HTTP answer (code `CYTORX_NETWORK`): connection refused or reset,
 * DNS failure, socket or request timeout, a body cut short; raised after retries.
 */
export class NetworkError extends CytorxError {
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  /** `timeout`, `reset`, `refused`, `dns`, `closed` or `other`. */
  readonly reason: string;

  constructor(
    details: { method: string; path: string; attempts?: number; reason: string },
    options?: { cause?: unknown },
  ) {
    const attempts = details.attempts ?? 1;
    const causeMsg = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      'CYTORX_NETWORK',
      `${details.method} ${details.path} failed: ${details.reason}${causeMsg}` +
        (attempts > 1 ? ` after ${attempts} attempts` : ''),
      options,
    );
    this.method = details.method;
    this.path = details.path;
    this.attempts = attempts;
    this.reason = details.reason;
  }
}
