import { defer, type Observable } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { ConfigError } from '../errors/config-error.js';
import { resourceId } from './resource-id.js';

/** Options of {@link getImageThumbnail}. */
export interface ImageThumbnailOptions {
  /** Longest side of the thumbnail in pixels (1..5000). Default 512 (the server's default). */
  maxSize?: number;
  /** Encoding. Default `jpg` (a tenth of the bytes of `png` for tissue). */
  format?: 'png' | 'jpg';
  /** Aborts the download. */
  signal?: AbortSignal;
}

/** Largest `maxSize` accepted (the legacy image server's window limit). */
const MAX_THUMB_SIDE = 5000;

/**
 * Downloads a thumbnail of a whole image (`GET /api/imageinstance/{id}/thumb.{fmt}?maxSize=N`)
 * as encoded bytes. The server (PIMS, behind Cytomine-core) scales the image so that its
 * longest side is `maxSize` and the other `round(maxSize / longest · shortest)`, keeping the
 * image's orientation (y down, like windows). Cold; unsubscribing aborts the download.
 * @param client a client from `createClient`
 * @param imageId image instance id
 * @param options `maxSize` (default 512), `format` (default `jpg`), `signal`
 * @throws {ConfigError} `CYTORX_CONFIG` for a `maxSize` that is not an integer in 1..5000 or an unknown format
 * @throws {HttpError} `CYTORX_HTTP` when the server refuses (e.g. 404 for an unknown image)
 * @example
 * ```ts
 * import { getImageThumbnail } from '@cytorx/core';
 * getImageThumbnail(client, 503, { maxSize: 256, format: 'png' }).subscribe((png) => save(png));
 * ```
 */
export function getImageThumbnail(
  client: CytomineClient,
  imageId: number,
  options: ImageThumbnailOptions = {},
): Observable<Uint8Array> {
  return defer(() => {
    const maxSize = options.maxSize ?? 512;
    const format = options.format ?? 'jpg';
    if (!Number.isSafeInteger(maxSize) || maxSize < 1 || maxSize > MAX_THUMB_SIDE) {
      throw new ConfigError(
        `thumbnail maxSize must be an integer in 1..${MAX_THUMB_SIDE} (got ${String(maxSize)})`,
      );
    }
    if (format !== 'png' && format !== 'jpg') {
      throw new ConfigError(`thumbnail format must be png or jpg (got ${String(format)})`);
    }
    const path = `/api/imageinstance/${resourceId('image', imageId)}/thumb.${format}`;
    return client.request<Uint8Array>('GET', path, {
      query: { maxSize },
      responseType: 'bytes',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  });
}
