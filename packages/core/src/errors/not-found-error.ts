import { HttpError, type HttpErrorDetails } from './http-error.js';

/** 404 on a resource (code `CYTORX_NOT_FOUND`). */
export class NotFoundError extends HttpError {
  constructor(details: HttpErrorDetails, options?: { cause?: unknown }) {
    super(details, {
      ...options,
      code: 'CYTORX_NOT_FOUND',
      message:
        `${details.method} ${details.path}: not found (404)` +
        (details.bodyExcerpt ? `: ${details.bodyExcerpt}` : ''),
    });
  }
}
