import { defer, type Observable } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { ConfigError } from '../errors/config-error.js';
import { resourceId } from './resource-id.js';

/** A region of an image in top-left pixel coordinates (y down), full resolution. */
export interface ImageWindow {
  /** Left edge, px. */
  x: number;
  /** Top edge, px from the top of the image. */
  y: number;
  width: number;
  height: number;
  /** Encoding. Default `png`. */
  format?: 'png' | 'jpg';
  /** Aborts the download. */
  signal?: AbortSignal;
}

/**
 * Downloads a region of an image (`GET /api/imageinstance/{id}/window-{x}-{y}-{w}-{h}.{fmt}`)
 * as encoded bytes. `x,y` is the top-left corner with y going down from the top of the image
 * (not Cytomine's annotation frame). Cold; unsubscribing aborts the download.
 * @param client a client from `createClient`
 * @param imageId image instance id
 * @param window region and format (default `png`)
 * @throws {ConfigError} `CYTORX_CONFIG` for non-integer or negative coordinates or an empty size
 * @throws {HttpError} `CYTORX_HTTP` when the server refuses the window (e.g. too large)
 * @example
 * ```ts
 * import { getImageWindow } from '@cytorx/core';
 * getImageWindow(client, 503, { x: 0, y: 0, width: 512, height: 512 }).subscribe((png) => save(png));
 * ```
 */
export function getImageWindow(
  client: CytomineClient,
  imageId: number,
  window: ImageWindow,
): Observable<Uint8Array> {
  return defer(() => {
    const { x, y, width, height } = window;
    const format = window.format ?? 'png';
    for (const [name, v, min] of [
      ['x', x, 0],
      ['y', y, 0],
      ['width', width, 1],
      ['height', height, 1],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < min) {
        throw new ConfigError(`window ${name} must be an integer >= ${min} (got ${String(v)})`);
      }
    }
    if (format !== 'png' && format !== 'jpg') {
      throw new ConfigError(`window format must be png or jpg (got ${String(format)})`);
    }
    const path = `/api/imageinstance/${resourceId('image', imageId)}/window-${x}-${y}-${width}-${height}.${format}`;
    return client.request<Uint8Array>('GET', path, {
      responseType: 'bytes',
      ...(window.signal === undefined ? {} : { signal: window.signal }),
    });
  });
}
