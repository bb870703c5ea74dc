import { CytorxError } from './cytorx-error.js';

/** The caller aborted the operation (code `CYTORX_ABORTED`). */
export class AbortedError extends CytorxError {
  constructor(message = 'operation aborted', options?: { cause?: unknown }) {
    super('CYTORX_ABORTED', message, options);
  }
}
