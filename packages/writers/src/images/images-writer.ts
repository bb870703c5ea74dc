import {
  AbortedError,
  BadResponseError,
  ConfigError,
  type CytomineClient,
  getImageWindow,
  type ImageBatch,
} from '@cytorx/core';
import { mergeMap, type Observable } from 'rxjs';
import { batchKey } from '../batch-key.js';
import type { AtomicFile } from '../fs/output-dir.js';
import { PngStream } from '../mask/png-stream.js';
import type { Writer, WriterContext, WriterSummary } from '../writer.js';
import { bytesPerPixel } from './band-buffer.js';
import { type DecodedWindow, decodePng } from './decode-png.js';
import { blockOf, planRegion, type RegionPlan, type WindowRequest } from './region-plan.js';
import { streamRegion } from './stream-region.js';

/** Options of {@link imagesWriter}. */
export interface ImagesWriterOptions {
  /** The client windows are downloaded with (its retries, timeout and connection pool apply). */
  client: CytomineClient;
  /**
   * Largest window side requested, in full-resolution pixels; default 2048. Legacy image
   * servers refuse windows over 5000 px on a side.
   */
  maxWindow?: number;
  /** Windows downloaded at the same time, per batch; default 4. */
  concurrency?: number;
  /**
   * Largest output, in pixels, one batch may produce; default 100,000,000 (100 Mpx). At scale 1
   * this is the full-resolution region downloaded, so a whole slide without `--tile` or
   * `--zoom`/`--max-size` is refused before any download.
   */
  maxPixels?: number;
  /**
   * Largest full-resolution region, in pixels, one batch may download whatever its scale;
   * default unlimited. (A downsampled canvas is streamed window by window, so this bounds
   * transfer time, not memory.)
   */
  maxSourcePixels?: number;
  /** Folder inside the output directory; default `'images'`. */
  directory?: string;
  /** zlib level 0..9 for the PNG data; default 6. */
  compressionLevel?: number;
}

/** Band buffers are sized to stay under this many bytes (one is written while the next fills). */
const BAND_BYTES = 32 * 1024 * 1024;

/** Statistics kept per image for the summary. */
interface ImageStats {
  files: number;
  windows: number;
  sourcePixels: number;
}

/**
 * The image writer: for each {@link ImageBatch}, the image pixels under its canvas as an RGB
 * PNG aligned pixel for pixel with the mask writer's output: `images/{imageId}.png` for a
 * whole image, `images/{imageId}/{x}_{y}.png` for a tile (same {@link batchKey} as the other
 * writers). Canvas pixel `(i, j)` at scale `s = 1/n` (1, or `2^-z` for `--zoom z`) is the
 * average of the full-resolution block `[(x+i)·n, (x+i+1)·n) × [(y+j)·n, (y+j+1)·n)`; blocks cut
 * by the image edge average only the pixels inside the image (rounded to nearest, halves up);
 * canvas pixels outside the image are black.
 *
 * Pixels come from `GET /api/imageinstance/{id}/window-{x}-{y}-{w}-{h}.png` (top-left
 * coordinates, full resolution as Cytomine CORE serves them): the region is split into a grid
 * of windows of at most `maxWindow` px a side, downloaded `concurrency` at a time, decoded and
 * streamed band by band into the PNG, so memory holds a few bands and the windows in flight,
 * never the full-resolution region. A window answered smaller than asked (the server clipped
 * it) is placed at its top-left corner and the rest left black, with a warning. Alpha in the
 * source is dropped (RGB out). The `zoom` query parameter is not used: CORE ignores it.
 *
 * Files are written through `ctx.out` (temporary name, renamed when complete). On a failed
 * download (after the client's retries) `write` rejects and nothing appears under the final
 * name; aborting `ctx.signal` cancels the downloads in flight (unsubscribe) and rejects with
 * `AbortedError`.
 *
 * @param options see {@link ImagesWriterOptions}; `client` is required; defaults:
 *   `maxWindow: 2048`, `concurrency: 4`, `maxPixels: 100_000_000`,
 *   `maxSourcePixels: Infinity`, `directory: 'images'`, `compressionLevel: 6`.
 * @throws {ConfigError} `CYTORX_CONFIG` for invalid options (at creation), and from `write`
 *   for a canvas whose scale is not `1/n`, or whose output exceeds `maxPixels` (or source
 *   exceeds `maxSourcePixels`): the message says to use `--tile` or `--zoom`/`--max-size`.
 * @throws {HttpError} `CYTORX_HTTP` (or `CYTORX_NETWORK`, ...) from `write` when a window
 *   download fails after the client's retries; {@link BadResponseError} `CYTORX_BAD_RESPONSE`
 *   when an answer is not a PNG.
 * @throws {AbortedError} `CYTORX_ABORTED` from `write` when `ctx.signal` aborts.
 * @example
 * ```ts
 * import { createClient } from '@cytorx/core';
 * import { imagesWriter, maskWriter, writeTo } from '@cytorx/writers';
 * const client = createClient({ host, publicKey, privateKey });
 * batches$.pipe(writeTo(ctx, maskWriter(), imagesWriter({ client, concurrency: 4 })));
 * ```
 */
export function imagesWriter(options: ImagesWriterOptions): Writer {
  const { client } = options ?? {};
  if (client === undefined || typeof client.request !== 'function') {
    throw new ConfigError('images writer: option client (a CytomineClient from createClient) is required');
  }
  const maxWindow = options.maxWindow ?? 2048;
  const concurrency = options.concurrency ?? 4;
  const maxPixels = options.maxPixels ?? 100_000_000;
  const maxSourcePixels = options.maxSourcePixels ?? Number.POSITIVE_INFINITY;
  const directory = options.directory ?? 'images';
  const level = options.compressionLevel ?? 6;
  if (!Number.isSafeInteger(maxWindow) || maxWindow < 1) {
    throw new ConfigError(`images writer: maxWindow must be a positive integer, got ${String(maxWindow)}`);
  }
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(
      `images writer: concurrency must be a positive integer, got ${String(concurrency)}`,
    );
  }
  for (const [name, v] of [
    ['maxPixels', maxPixels],
    ['maxSourcePixels', maxSourcePixels],
  ] as const) {
    if (typeof v !== 'number' || !(v > 0)) {
      throw new ConfigError(`images writer: ${name} must be a positive number, got ${String(v)}`);
    }
  }
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new ConfigError('images writer: compressionLevel must be an integer 0..9');
  }
  if (typeof directory !== 'string' || directory === '') {
    throw new ConfigError('images writer: directory must be a non-empty string');
  }

  const files: string[] = [];
  const images = new Map<number, ImageStats>();
  let written = 0;
  let warnings = 0;

  const fetchWindow = (imageId: number, w: WindowRequest): Observable<DecodedWindow> =>
    getImageWindow(client, imageId, { x: w.x, y: w.y, width: w.width, height: w.height, format: 'png' }).pipe(
      mergeMap((bytes) => decodeWindow(bytes, imageId, w)),
    );

  return {
    name: 'images',

    async write(batch: ImageBatch, ctx: WriterContext): Promise<void> {
      if (ctx.signal.aborted) throw new AbortedError('images writer aborted');
      const { image, canvas } = batch;
      const block = blockOf(canvas.scale);
      const plan = planRegion(canvas, image.width, image.height, {
        maxWindow,
        bandBytes: BAND_BYTES,
        bytesPerPixel: bytesPerPixel(block),
      });
      checkLimits(batch, plan, maxPixels, maxSourcePixels);

      const relPath = `${directory}/${batchKey(batch)}.png`;
      const stats = images.get(image.id) ?? { files: 0, windows: 0, sourcePixels: 0 };
      images.set(image.id, stats);
      let clipped = 0;
      let windows = 0;
      let sourcePixels = 0;

      let file: AtomicFile | undefined;
      let png: PngStream | undefined;
      try {
        file = await ctx.out.open(relPath);
        const stream = await PngStream.open(file, plan.width, plan.height, 'rgb', level);
        png = stream;
        await streamRegion(plan, {
          fetch: (w) => fetchWindow(image.id, w),
          onBand: (rows) => stream.write(rows),
          concurrency,
          signal: ctx.signal,
          onWindow: (w, decoded) => {
            windows++;
            sourcePixels += Math.min(w.width, decoded.width) * Math.min(w.height, decoded.height);
            if (decoded.width < w.width || decoded.height < w.height) clipped++;
          },
        });
        await stream.end();
        await file.commit();
      } catch (err) {
        png?.destroy();
        await file?.abort();
        throw err;
      }

      files.push(relPath);
      written++;
      stats.files++;
      stats.windows += windows;
      stats.sourcePixels += sourcePixels;
      if (clipped > 0) {
        warnings++;
        ctx.warn({
          code: 'OTHER',
          stage: 'images',
          message:
            `${relPath}: ${clipped} window(s) came back smaller than asked (image ${image.id} is smaller ` +
            `on the server than its ${image.width}x${image.height} metadata); the missing pixels are black`,
          imageId: image.id,
          skipped: false,
        });
      }
      if (plan.windows.length > 1) {
        ctx.logger.debug(`images ${relPath}: ${windows} windows, ${sourcePixels} source px`);
      }
    },

    close(): WriterSummary {
      const perImage: Record<string, ImageStats> = {};
      let windows = 0;
      let sourcePixels = 0;
      for (const [id, s] of [...images].sort((a, b) => a[0] - b[0])) {
        perImage[String(id)] = { ...s };
        windows += s.windows;
        sourcePixels += s.sourcePixels;
      }
      return {
        writer: 'images',
        files: [...files].sort(),
        items: written,
        warnings,
        details: { windows, sourcePixels, images: perImage },
      };
    },
  };
}

/** Refuses a batch whose output or source is over the limits, before any download. */
function checkLimits(batch: ImageBatch, plan: RegionPlan, maxPixels: number, maxSourcePixels: number): void {
  const { image } = batch;
  const out = plan.width * plan.height;
  const source = (plan.sx1 - plan.sx0) * (plan.sy1 - plan.sy0);
  const what = `image ${image.id} (${image.width}x${image.height})`;
  const hint = 'use --tile SIZE or --zoom Z / --max-size N';
  if (out > maxPixels) {
    throw new ConfigError(
      `images writer: ${what} would be written as one ${plan.width}x${plan.height} px image ` +
        `at scale ${batch.canvas.scale} (${mpx(out)} Mpx, limit ${mpx(maxPixels)} Mpx); ` +
        `slides are too large to fetch whole at full resolution: ${hint} (or raise maxPixels)`,
    );
  }
  if (source > maxSourcePixels) {
    throw new ConfigError(
      `images writer: ${what} needs a ${plan.sx1 - plan.sx0}x${plan.sy1 - plan.sy0} px full-resolution ` +
        `region for ${batchKey(batch)} (${mpx(source)} Mpx, limit maxSourcePixels ${mpx(maxSourcePixels)} Mpx); ${hint}`,
    );
  }
}

function mpx(n: number): string {
  return (n / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** Decodes a window answer; anything but a PNG is a `BadResponseError` naming the window. */
async function decodeWindow(bytes: Uint8Array, imageId: number, w: WindowRequest): Promise<DecodedWindow> {
  try {
    return await decodePng(bytes);
  } catch (err) {
    throw new BadResponseError(
      {
        method: 'GET',
        path: `/api/imageinstance/${imageId}/window-${w.x}-${w.y}-${w.width}-${w.height}.png`,
        reason: `not a readable PNG (${err instanceof Error ? err.message : String(err)})`,
      },
      { cause: err },
    );
  }
}
