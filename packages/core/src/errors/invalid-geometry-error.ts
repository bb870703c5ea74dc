import { CytorxError } from './cytorx-error.js';

/** A geometry that cannot be used (code `CYTORX_INVALID_GEOMETRY`): names the annotation. */
export class InvalidGeometryError extends CytorxError {
  readonly annotationId: number | undefined;
  readonly imageId: number | undefined;
  readonly reason: string;

  constructor(
    details: { reason: string; annotationId?: number; imageId?: number },
    options?: { cause?: unknown },
  ) {
    const who =
      details.annotationId !== undefined
        ? `annotation ${details.annotationId}${details.imageId !== undefined ? ` (image ${details.imageId})` : ''}`
        : 'geometry';
    super('CYTORX_INVALID_GEOMETRY', `${who}: ${details.reason}`, options);
    this.annotationId = details.annotationId;
    this.imageId = details.imageId;
    this.reason = details.reason;
  }
}
