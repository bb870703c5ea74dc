import { HttpError, type HttpErrorDetails } from './http-error.js';

/**
 * 401 or 403 (code `CYTORX_AUTH`): says which auth mode was used and what to check.
 * Never contains the private key or a signature.
 */
export class AuthError extends HttpError {
  /** The auth mode the client used (`hmac`, `hmac-pathless`, `headers`, `bearer`). */
  readonly authMode: string;

  constructor(details: HttpErrorDetails & { authMode: string }, options?: { cause?: unknown }) {
    const hint =
      details.status === 403
        ? 'the keys are valid but this user may not access that resource (check project membership)'
        : `check the public/private keys, the host, and the auth mode (used "${details.authMode}"; ` +
          'servers of the newest core line need --auth hmac-pathless, proxies may need --auth headers)';
    super(details, {
      ...options,
      code: 'CYTORX_AUTH',
      message: `${details.method} ${details.path} was refused with ${details.status}: ${hint}`,
    });
    this.authMode = details.authMode;
  }
}
