import {
  AbortedError,
  ConfigError,
  type Feature,
  type ImageBatch,
  type PipelineWarning,
  toImageSpace,
} from '@cytorx/core';
import { mapFeatures } from '../feature-array.js';
import { BandCompositor, type OverlapPolicy, paintOrder } from '../mask/composite.js';
import { type ImageStats, preparePaintItems } from '../mask/paint-items.js';
import type { Writer, WriterContext, WriterSummary } from '../writer.js';
import { ChunkWriter } from './chunk-writer.js';
import { labelImageAttrs, ZGROUP, zarrayJson } from './ngff-metadata.js';
import { packRings } from './packed-rings.js';
import { type ImagePaint, levelItems, paintLevel } from './paint-level.js';
import { pyramidLevels } from './pyramid-levels.js';
import { removeFiles } from './remove-files.js';

/** Options of {@link omeZarrWriter} (plain data). */
export interface OmeZarrWriterOptions {
  /** Who wins where annotations overlap; default `'smaller-on-top'` (as the mask writer). */
  overlap?: OverlapPolicy;
  /** Folder inside the output directory; default `'labels'`. */
  directory?: string;
  /**
   * Chunk side in pixels (chunks are square); also where the pyramid stops: the coarsest level
   * fits in one chunk. A power of two, 16..16384; default 1024.
   */
  chunkSize?: number;
}

/** Per-image figures of the summary. */
interface ImageDetails {
  /** `[height, width]` of each level, level 0 first. */
  levels: Array<[number, number]>;
  /** Chunk files written (background chunks are left out) and their bytes. */
  chunks: number;
  bytes: number;
  /** Annotations painted, and skipped with a warning. */
  annotations: number;
  skipped: number;
  /** Level-0 pixels claimed by more than one class. */
  contestedPixels: number;
}

const POLICIES: readonly OverlapPolicy[] = ['smaller-on-top', 'order', 'priority'];
/** Pieces of chunks being compressed, or chunk files written, at a time. */
const IN_FLIGHT = 8;
/** Rows painted at a time (a band holds BAND_ROWS x (width + 1) bytes: 12.8 MB at 100,000 px). */
const BAND_ROWS = 128;

/**
 * The OME-Zarr label writer: per image, an OME-NGFF 0.4 multiscale label image
 * `labels/{imageId}.zarr` (Zarr v2): arrays `0..k` of uint8 class ids (0 background, features
 * without a class get `classes.unlabeled`), level 0 the batch's canvas (`--zoom`/`--max-size`
 * choose it), each next level half the size, down to the first that fits in one chunk. Every
 * level is rasterized from the annotations at its own scale under the cytorx pixel rule, not
 * downsampled: level k holds exactly the pixels the mask writer paints on the canvas scaled by
 * 2^-k (the `--zoom k` PNG mask). Group attributes: `multiscales` (axes y, x; per level a
 * `scale` and `translation`, in micrometres when the image has `physicalSizeX`) and
 * `image-label` (`colors` from the classes' term colours, `properties` naming the classes).
 *
 * Streaming: each level is painted band by band (128 rows: 12.8 MB for a 100,000 px wide
 * canvas); each band's share of a chunk is zlib-compressed at once (run-length strategy) and
 * only the compressed pieces wait for the rest of their chunk; every ring is kept once, packed
 * (8 bytes a coordinate), for all levels; only the rows and chunk columns that the annotations'
 * boxes cover are scanned. Chunks whose pixels are all background are left out (`fill_value`
 * 0); chunk files are written while the next band is painted. Every file is written through `ctx.out`
 * (atomic); the files of an image's folder are removed before it is written (so a rerun or a
 * resumed export leaves no stale chunk) and its `.zgroup`/`.zattrs` come last, so a folder with
 * `.zattrs` is complete. On failure or abort (`ctx.signal`, checked between bands) the files
 * written for the image are removed (empty folders stay). Skipped features are reported as warnings, as by the mask writer; contested pixels
 * are counted on level 0. Tiled batches are refused: the format is already chunked.
 *
 * @param options see {@link OmeZarrWriterOptions}; defaults: `overlap: 'smaller-on-top'`,
 *   `directory: 'labels'`, `chunkSize: 1024`.
 * @throws {ConfigError} `CYTORX_CONFIG` for invalid options (at creation), and from `write` for a
 *   tile or a region of an image (`batch.tile`, a canvas not at 0, 0) or an invalid canvas size.
 * @throws {AbortedError} `CYTORX_ABORTED` from `write` when `ctx.signal` aborts.
 * @example
 * ```ts
 * import { omeZarrWriter } from '@cytorx/writers';
 * const writer = omeZarrWriter({ overlap: 'priority' }); // labels/{imageId}.zarr
 * ```
 */
export function omeZarrWriter(options: OmeZarrWriterOptions = {}): Writer {
  const overlap = options.overlap ?? 'smaller-on-top';
  const directory = options.directory ?? 'labels';
  const chunkSize = options.chunkSize ?? 1024;
  if (!POLICIES.includes(overlap)) {
    throw new ConfigError(
      `ome-zarr writer: overlap must be one of ${POLICIES.join(', ')}, got ${String(overlap)}`,
    );
  }
  if (typeof directory !== 'string' || directory === '') {
    throw new ConfigError(`ome-zarr writer: directory must be a non-empty string, got ${String(directory)}`);
  }
  if (
    !Number.isInteger(chunkSize) ||
    chunkSize < 16 ||
    chunkSize > 16384 ||
    (chunkSize & (chunkSize - 1)) !== 0
  ) {
    throw new ConfigError(
      `ome-zarr writer: chunkSize must be a power of two 16..16384, got ${String(chunkSize)}`,
    );
  }

  const files: string[] = [];
  const images = new Map<number, ImageDetails>();
  let warnings = 0;
  let compositor: BandCompositor | undefined;

  return {
    name: 'ome-zarr',

    async write(batch: ImageBatch, ctx: WriterContext): Promise<void> {
      if (ctx.signal.aborted) throw new AbortedError('ome-zarr writer aborted');
      const imageId = batch.image.id;
      const { width, height, x, y } = batch.canvas;
      if (batch.tile !== undefined || x !== 0 || y !== 0) {
        throw new ConfigError(
          `ome-zarr writer: image ${imageId} came as a tile (canvas at ${x},${y}); OME-Zarr is already chunked, export whole images (no --tile)`,
        );
      }
      if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
        throw new ConfigError(
          `ome-zarr writer: canvas of image ${imageId} has invalid size ${width}x${height}`,
        );
      }
      const root = `${directory}/${imageId}.zarr`;
      const levels = pyramidLevels(width, height, chunkSize);
      const paintStats: ImageStats = { masks: 1, annotations: 0, skipped: 0, contestedPixels: 0 };
      const warn = (w: Omit<PipelineWarning, 'stage'>) => {
        warnings++;
        ctx.warn({ stage: 'ome-zarr', ...w });
      };
      const inImageFrame = { ...batch, features: imageFrame(batch.features) };
      const items = preparePaintItems(inImageFrame, ctx, paintStats, warn);
      const stats: ImageDetails = {
        levels: levels.map((l) => [l.height, l.width]),
        chunks: 0,
        bytes: 0,
        annotations: paintStats.annotations,
        skipped: paintStats.skipped,
        contestedPixels: 0,
      };
      const classRank = new Map(ctx.classes.classes.map((c, i) => [c.id, i] as const));
      // Every ring made once, packed in one Float64Array (8 bytes a coordinate), in paint
      // order; halved in place from level to level (exact: powers of two).
      const packed = packRings(paintOrder(items, overlap, classRank));
      const written: string[] = [];
      const bandRows = Math.min(BAND_ROWS, chunkSize);
      const chunks = new ChunkWriter(ctx.out, chunkSize, bandRows, IN_FLIGHT);
      await removeFiles(ctx.out, root); // stale chunks of an earlier run must not survive
      try {
        compositor ??= new BandCompositor();
        const paint: ImagePaint = {
          compositor,
          chunks,
          // One band buffer for every level (the later ones are smaller): bandRows rows of level 0.
          band: new Uint8Array(Math.min(bandRows, height) * (width + 1)),
          chunkSize,
          bandRows,
          xMin: packed.xMin,
          xMax: packed.xMax,
          imageId,
          signal: ctx.signal,
        };
        for (const lv of levels) {
          if (lv.index > 0) halve(packed.coords);
          const dir = `${root}/${lv.index}`;
          const before = chunks.stats.chunks;
          const contested = await paintLevel(levelItems(packed.items, lv), lv, dir, paint);
          if (lv.index === 0) stats.contestedPixels = contested;
          await ctx.out.writeFile(`${dir}/.zarray`, zarrayJson(lv, chunkSize));
          ctx.logger.debug(
            `ome-zarr ${dir} (${lv.width}x${lv.height}): ${chunks.stats.chunks - before} chunks`,
          );
        }
        stats.chunks = chunks.stats.chunks;
        stats.bytes = chunks.stats.bytes;
        written.push(...chunks.files, ...levels.map((lv) => `${root}/${lv.index}/.zarray`));
        await ctx.out.writeFile(`${root}/.zgroup`, ZGROUP);
        const attrs = labelImageAttrs({
          image: batch.image,
          levels,
          canvasScale: batch.canvas.scale,
          classes: ctx.classes,
          overlap,
        });
        await ctx.out.writeFile(`${root}/.zattrs`, `${JSON.stringify(attrs, null, 2)}\n`);
        written.push(`${root}/.zgroup`, `${root}/.zattrs`);
      } catch (err) {
        await chunks.flush().catch(() => {});
        await removeFiles(ctx.out, root).catch(() => {});
        throw err;
      }
      files.push(...written);
      images.set(imageId, stats);
      if (stats.contestedPixels > 0) {
        warn({
          code: 'OTHER',
          message: `${root}/0: ${stats.contestedPixels} pixels claimed by more than one class (overlap policy ${overlap})`,
          imageId,
          skipped: false,
          pixels: stats.contestedPixels,
        });
      }
    },

    close(): WriterSummary {
      const perImage: Record<string, ImageDetails> = {};
      let contestedPixels = 0;
      let chunks = 0;
      let bytes = 0;
      for (const [id, s] of [...images].sort((a, b) => a[0] - b[0])) {
        perImage[String(id)] = { ...s };
        contestedPixels += s.contestedPixels;
        chunks += s.chunks;
        bytes += s.bytes;
      }
      return {
        writer: 'ome-zarr',
        files: [...files].sort(),
        items: images.size,
        warnings,
        details: { overlap, chunkSize, chunks, bytes, contestedPixels, images: perImage },
      };
    },
  };
}

/** The features in the image frame (a `--coords cytomine` export hands extra writers y-up features). */
function imageFrame(features: Feature[]): Feature[] {
  return features.every((f) => f.frame === 'image') ? features : mapFeatures(features, toImageSpace());
}

/** Multiplies every coordinate by 1/2, in place (exact for every normal double). */
function halve(coords: Float64Array): void {
  for (let i = 0; i < coords.length; i++) coords[i] = coords[i]! * 0.5;
}
