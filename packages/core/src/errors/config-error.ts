import { CytorxError } from './cytorx-error.js';

/** Bad options, flags, or configuration file (code `CYTORX_CONFIG`). */
export class ConfigError extends CytorxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CYTORX_CONFIG', message, options);
  }
}
