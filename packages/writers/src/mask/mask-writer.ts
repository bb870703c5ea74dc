import { AbortedError, ConfigError, type ImageBatch, type PipelineWarning } from '@cytorx/core';
import type { AtomicFile } from '../fs/output-dir.js';
import type { Writer, WriterContext, WriterSummary } from '../writer.js';
import { BandCompositor, type OverlapPolicy, paintOrder } from './composite.js';
import { type BandSink, paintBands } from './paint-bands.js';
import { type ImageStats, preparePaintItems } from './paint-items.js';
import { PngStream } from './png-stream.js';
import { colorize, previewPalette } from './preview-palette.js';

/** Options of {@link maskWriter} (plain data). */
export interface MaskWriterOptions {
  /** Who wins where annotations overlap; default `'smaller-on-top'` (see {@link OverlapPolicy}). */
  overlap?: OverlapPolicy;
  /** Also write an RGB preview `{imageId}_preview.png` in term colours; default `false`. */
  preview?: boolean;
  /** Folder inside the output directory; default `'masks'`. */
  directory?: string;
  /** Canvases with more pixels than this are rasterized band by band; default 64 Mi px. */
  bandThreshold?: number;
  /** Rows per band in band mode; default 256. */
  bandHeight?: number;
  /** zlib level 0..9 for the PNG data; default 6. */
  compressionLevel?: number;
}

const POLICIES: readonly OverlapPolicy[] = ['smaller-on-top', 'order', 'priority'];

/**
 * The label-mask writer: one 8-bit greyscale PNG per image (pixel = class id, 0 background,
 * features without a class get `classes.unlabeled`), `masks/{imageId}_mask.png`, or
 * `masks/{imageId}/{x}_{y}.png` for a tile (x, y = `batch.canvas.x/y`). The canvas is
 * `batch.canvas` (features are already in its coordinates: scaled, tile-local). Each
 * annotation is rasterized on its own under the cytorx pixel rule and composited, so a hole
 * never erases another annotation; `overlap` decides who is on top, and the number of pixels
 * claimed by more than one class is reported per image (summary `details.images[id]
 * .contestedPixels`, plus a warning). Canvases above `bandThreshold` pixels are rasterized
 * in bands of `bandHeight` rows streamed into the PNG, so memory stays bounded (about
 * 3 × bandHeight × width bytes). Files are written through `ctx.out` (temporary name, renamed
 * when complete); on failure or abort (`ctx.signal`, checked between bands) nothing appears
 * under the final name. Skipped features (class id outside 1..255, NaN/Infinity, no area)
 * are reported as warnings.
 *
 * @param options see {@link MaskWriterOptions}; defaults: `overlap: 'smaller-on-top'`,
 *   `preview: false`, `directory: 'masks'`, `bandThreshold: 64 Mi px`, `bandHeight: 256`,
 *   `compressionLevel: 6`.
 * @throws {ConfigError} `CYTORX_CONFIG` for invalid options (at creation).
 * @throws {AbortedError} `CYTORX_ABORTED` from `write` when `ctx.signal` aborts.
 * @example
 * ```ts
 * import { maskWriter } from '@cytorx/writers';
 * const writer = maskWriter({ overlap: 'order', preview: true });
 * ```
 */
export function maskWriter(options: MaskWriterOptions = {}): Writer {
  const overlap = options.overlap ?? 'smaller-on-top';
  if (!POLICIES.includes(overlap)) {
    throw new ConfigError(
      `mask writer: overlap must be one of ${POLICIES.join(', ')}, got ${String(overlap)}`,
    );
  }
  const preview = options.preview ?? false;
  const directory = options.directory ?? 'masks';
  const bandThreshold = options.bandThreshold ?? 64 * 1024 * 1024;
  const bandHeight = options.bandHeight ?? 256;
  const level = options.compressionLevel ?? 6;
  if (!(bandThreshold >= 0)) throw new ConfigError('mask writer: bandThreshold must be >= 0');
  if (!Number.isInteger(bandHeight) || bandHeight < 1) {
    throw new ConfigError('mask writer: bandHeight must be a positive integer');
  }
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new ConfigError('mask writer: compressionLevel must be an integer 0..9');
  }

  const files: string[] = [];
  const images = new Map<number, ImageStats>();
  let masks = 0;
  let warnings = 0;
  let compositor: BandCompositor | undefined;
  /** Band buffers of finished masks, reused by the next ones (at most two per mask in flight). */
  const spareBands: Uint8Array[] = [];

  const warn = (ctx: WriterContext, w: Omit<PipelineWarning, 'stage'>) => {
    warnings++;
    ctx.warn({ stage: 'mask', ...w });
  };

  return {
    name: 'mask',

    async write(batch: ImageBatch, ctx: WriterContext): Promise<void> {
      if (ctx.signal.aborted) throw new AbortedError('mask writer aborted');
      const imageId = batch.image.id;
      const { width, height } = batch.canvas;
      if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
        throw new ConfigError(`mask writer: canvas of image ${imageId} has invalid size ${width}x${height}`);
      }
      const stats = images.get(imageId) ?? { masks: 0, annotations: 0, skipped: 0, contestedPixels: 0 };
      images.set(imageId, stats);

      const items = preparePaintItems(batch, ctx, stats, (w) => warn(ctx, w));
      const classRank = new Map(ctx.classes.classes.map((c, i) => [c.id, i] as const));
      const ordered = paintOrder(items, overlap, classRank);

      const rowsPerBand = width * height > bandThreshold ? Math.min(bandHeight, height) : height;
      const stem = batch.tile
        ? `${directory}/${imageId}/${batch.canvas.x}_${batch.canvas.y}`
        : `${directory}/${imageId}`;
      const maskPath = batch.tile ? `${stem}.png` : `${stem}_mask.png`;
      const previewPath = `${stem}_preview.png`;
      const lut = preview ? previewPalette(ctx.classes) : undefined;

      const opened: { file: AtomicFile; png?: PngStream }[] = [];
      const pending: Promise<void>[] = [];
      try {
        const maskOut: { file: AtomicFile; png?: PngStream } = { file: await ctx.out.open(maskPath) };
        opened.push(maskOut);
        const maskPng = await PngStream.open(maskOut.file, width, height, 'grey', level);
        maskOut.png = maskPng;
        let previewPng: PngStream | undefined;
        if (lut) {
          const previewOut: { file: AtomicFile; png?: PngStream } = { file: await ctx.out.open(previewPath) };
          opened.push(previewOut);
          previewPng = await PngStream.open(previewOut.file, width, height, 'rgb', level);
          previewOut.png = previewPng;
        }
        const stride = width + 1;
        const nBands = Math.ceil(height / rowsPerBand);
        const rgbFree: Uint8Array[] = [];
        let contested = 0;
        // Each painted band goes to zlib (thread pool); resolves when its buffer may be reused.
        const sink: BandSink = async (buf, r0, r1, bandContested) => {
          if (ctx.signal.aborted) throw new AbortedError(`mask writer aborted while writing ${maskPath}`);
          contested += bandContested;
          const writes = [track(maskPng.write(buf.subarray(0, (r1 - r0) * stride)), pending)];
          if (previewPng && lut) {
            const rgb = rgbFree.pop() ?? new Uint8Array(rowsPerBand * (3 * width + 1));
            colorize(buf, rgb, width, r1 - r0, lut);
            const done = track(previewPng.write(rgb.subarray(0, (r1 - r0) * (3 * width + 1))), pending);
            writes.push(done.then(() => void rgbFree.push(rgb)));
          }
          if (nBands > 1) ctx.logger.debug(`mask ${maskPath}: band ${Math.ceil(r1 / rowsPerBand)}/${nBands}`);
          await Promise.all(writes);
        };
        compositor ??= new BandCompositor();
        await paintBands(compositor, ordered, { width, height, rowsPerBand, imageId }, sink, spareBands);
        await Promise.all(pending);
        for (const o of opened) await o.png!.end();
        for (const o of opened) await o.file.commit();

        files.push(maskPath);
        if (previewPng) files.push(previewPath);
        masks++;
        stats.masks++;
        stats.contestedPixels += contested;
        if (contested > 0) {
          warn(ctx, {
            code: 'OTHER',
            message: `${maskPath}: ${contested} pixels claimed by more than one class (overlap policy ${overlap})`,
            imageId,
            skipped: false,
            pixels: contested,
          });
        }
      } catch (err) {
        for (const o of opened) {
          o.png?.destroy();
          await o.file.abort();
        }
        throw err;
      }
    },

    async close(): Promise<WriterSummary> {
      const perImage: Record<string, ImageStats> = {};
      let contestedPixels = 0;
      for (const [id, s] of [...images].sort((a, b) => a[0] - b[0])) {
        perImage[String(id)] = { ...s };
        contestedPixels += s.contestedPixels;
      }
      return {
        writer: 'mask',
        files: [...files].sort(),
        items: masks,
        warnings,
        details: { overlap, contestedPixels, images: perImage },
      };
    },
  };
}

/** Keeps `p` in `all` and marks it handled (it is awaited later, or abandoned on failure). */
function track(p: Promise<void>, all: Promise<void>[]): Promise<void> {
  p.catch(() => {});
  all.push(p);
  return p;
}

/**
 * Paints `items` (in paint order) band by band in the calling thread, two band buffers
 * alternating: zlib compresses one while the other is painted.
 */
