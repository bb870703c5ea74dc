import { rm } from 'node:fs/promises';
import { ConfigError, type ImageBatch } from '@cytorx/core';
import { defineWriter } from '../define-writer.js';
import { safeSegment } from '../fs/safe-name.js';
import { Rasterizer } from '../raster/rasterizer.js';
import type { WriterContext, WriterSummary } from '../writer.js';
import { assembleCoco } from './assemble-coco.js';
import type { CocoAnnotation, CocoImage } from './coco-file.js';
import { type CocoPartTrailer, CocoPartWriter, cocoPartName } from './coco-part.js';
import { COCO_SEGMENTATION_MODES, type CocoSegmentationMode, cocoShape } from './segmentation.js';
import { assignSplit, planSplit, type SplitPlan } from './split.js';

/** Options of {@link cocoWriter}. All plain data (they may come from the command line). */
export interface CocoWriterOptions {
  /** Folder under the output directory. Default `coco`. */
  dir?: string;
  /**
   * Assign whole images to parts, e.g. `[0.8, 0.1, 0.1]` (or `"0.8,0.1,0.1"`): one file per part
   * (`train.json`, `val.json`, `test.json`) and `splits.json` (`{ imageId: part }`). Default: no
   * split, one `annotations.json`.
   */
  split?: number[] | string;
  /** Seed of the split assignment. Default `0`. */
  seed?: number;
  /** Names of the parts. Default `train`, `val`, `test`, then `split4`... */
  splitNames?: string[] | string;
  /**
   * `file_name` of an image: `id` gives `{imageId}.{imageExtension}` (matching the export's
   * `images/` folder); `original` the server's original filename made safe with `safeSegment`.
   * Tiles are always `{imageId}/{x}_{y}.{imageExtension}`. Default `id`.
   */
  fileName?: 'id' | 'original';
  /** Extension in `file_name`. Default `png`. */
  imageExtension?: string;
  /** Supercategory of every category. Default: the ontology name, else the project name, else `cytomine`. */
  supercategory?: string;
  /**
   * How segmentations are written (see {@link CocoSegmentationMode}): `auto` (polygons only
   * where pycocotools decodes them to exactly the annotation's mask, else RLE), `polygon`
   * (polygons wherever the shape allows; `area`/`bbox` as pycocotools decodes them) or `rle`
   * (every annotation RLE, pixel-exact with the PNG masks). Default `auto`.
   */
  segmentation?: CocoSegmentationMode;
  /** Writer name in events, errors and summaries. Default `coco`. */
  name?: string;
  /**
   * Folder (under the output directory) of the per-image part files the COCO files are
   * assembled from. Default `{dir}/.parts`.
   */
  partsDir?: string;
  /**
   * Keep the part files already in `partsDir` (written by an earlier, interrupted run) and
   * include them in the assembled files: how `exportProject` resumes. Default `false`: the
   * folder is emptied when the writer opens.
   */
  resume?: boolean;
  /** Keep `partsDir` after the COCO files are published (for a later resume). Default `false`. */
  keepParts?: boolean;
  /**
   * Assemble the COCO files in `close`. Default `true`. With `false` the writer only writes
   * the per-image parts, and whoever runs it calls {@link assembleCoco} once every part is
   * written (how `exportProject` runs the writer in each image job).
   */
  assemble?: boolean;
}

/**
 * The COCO instance-segmentation writer: `{dir}/annotations.json` (or one file per split part).
 * Each batch's annotations are streamed into a part file (`{partsDir}/{cocoImageId}.jsonl`,
 * written atomically); `close` assembles the COCO files from every part present, in ascending
 * COCO image id, so the output never depends on the order or timing of the batches, and an
 * interrupted run resumed with `resume: true` gives byte-identical files. Memory holds one
 * annotation line at a time, never a whole file. Ids: image id = Cytomine image id (a tile:
 * `imageId * 10^7 + row * 10^4 + col`), annotation id = `feature.id` (the annotation id, or the
 * derived id of a multi-term duplicate; for tiles, where one annotation can appear in several
 * tiles, a running number in assembly order, with `annotation_id` keeping the feature id),
 * category id = class id. Segmentation per `segmentation` (default `auto`: a polygon list only
 * where pycocotools' decoder, `rleFrPoly`, gives back exactly the annotation's own mask under
 * the cytorx pixel rule, else compressed RLE of that mask, `iscrowd: 0`); `area` = pixel count
 * and `bbox` = tight box of the mask the segmentation decodes to, so segmentation, area, bbox
 * and (in `auto` and `rle`) the PNG masks agree. Polygon coordinates are rounded to 1e-9 px.
 * An annotation whose mask is empty is skipped with a `DEGENERATE` warning. Categories: every
 * class of `ctx.classes` and `unlabeled`, in class id order, in every file (all split parts
 * carry the same list). With a split, a part that gets no image (fewer images than parts, or
 * a small fraction) is reported with a warning naming how many images each part got.
 * Features must be in image pixel space (`toImageSpace()`).
 *
 * On cancellation (`ctx.signal` aborted when `close` runs) nothing is published; the parts are
 * removed unless `keepParts`.
 *
 * @param options - See {@link CocoWriterOptions}.
 * @throws ConfigError `CYTORX_CONFIG` for invalid options; from `write`, for features not in image space.
 * @example
 * ```ts
 * import { cocoWriter, createWriterContext, writeTo } from '@cytorx/writers';
 * const ctx = await createWriterContext({ out: './dataset', classes });
 * batches$.pipe(writeTo(ctx, cocoWriter({ split: [0.8, 0.1, 0.1], seed: 7 }))).subscribe();
 * ```
 */
export const cocoWriter = defineWriter<CocoWriterOptions>((options = {}) => {
  const { dir = 'coco', fileName = 'id', imageExtension = 'png', name = 'coco' } = options;
  const { partsDir = `${dir}/.parts`, resume = false, keepParts = false } = options;
  const { segmentation = 'auto' } = options;
  if (typeof dir !== 'string' || dir === '')
    throw new ConfigError('coco writer: dir must be a non-empty string');
  if (typeof partsDir !== 'string' || partsDir === '')
    throw new ConfigError('coco writer: partsDir must be a non-empty string');
  if (fileName !== 'id' && fileName !== 'original') {
    throw new ConfigError(
      `coco writer: fileName must be "id" or "original", got ${JSON.stringify(fileName)}`,
    );
  }
  if (typeof imageExtension !== 'string' || !/^[A-Za-z0-9]{1,10}$/.test(imageExtension)) {
    throw new ConfigError(
      `coco writer: imageExtension must be alphanumeric, got ${JSON.stringify(imageExtension)}`,
    );
  }
  if (!COCO_SEGMENTATION_MODES.includes(segmentation)) {
    throw new ConfigError(
      `coco writer: segmentation must be ${COCO_SEGMENTATION_MODES.join(', ')}, got ${JSON.stringify(segmentation)}`,
    );
  }
  if (options.supercategory !== undefined && typeof options.supercategory !== 'string') {
    throw new ConfigError('coco writer: supercategory must be a string');
  }
  const plan: SplitPlan | undefined =
    options.split === undefined ? undefined : planSplit(options.split, options.seed, options.splitNames);

  const rasterizer = new Rasterizer();
  let warnings = 0;

  return {
    name,
    async open(ctx) {
      ctx.out.resolve(`${dir}/annotations.json`); // fail early on a dir outside the output directory
      if (!resume) await rm(ctx.out.resolve(partsDir), { recursive: true, force: true });
    },
    async write(batch: ImageBatch, ctx: WriterContext) {
      const { width, height } = batch.canvas;
      const tiled = batch.tile !== undefined;
      const imageId = tiled ? tileImageId(batch) : batch.image.id;
      const split = plan === undefined ? null : assignSplit(plan, batch.image.id);
      const header = { image: cocoImage(batch, imageId, fileName, imageExtension), split, tile: tiled };
      const part = await CocoPartWriter.open(ctx.out, cocoPartName(partsDir, imageId), header);
      const trailer: CocoPartTrailer = { categories: [], annotations: 0, polygons: 0, rle: 0, skipped: 0 };
      const used = new Map<number, string | null>();
      try {
        for (const feature of batch.features) {
          if (feature.frame !== 'image') {
            throw new ConfigError(
              `annotation ${feature.annotationId} is in the ${feature.frame} frame; COCO needs image pixel space (toImageSpace())`,
            );
          }
          const subject = { annotationId: feature.annotationId, imageId: batch.image.id };
          const shape = cocoShape(feature.geometry, width, height, rasterizer, subject, segmentation);
          if (shape === undefined) {
            trailer.skipped++;
            warnings++;
            ctx.warn({
              code: 'DEGENERATE',
              stage: name,
              message: `annotation ${feature.annotationId} covers no pixel centre of ${tiled ? `tile ${batch.canvas.x},${batch.canvas.y}` : 'its image'}; left out of COCO (area 0)`,
              annotationId: feature.annotationId,
              imageId: batch.image.id,
              skipped: true,
            });
            continue;
          }
          const classId = feature.classId ?? ctx.classes.unlabeled;
          if (!used.has(classId)) used.set(classId, feature.className ?? null);
          const annotation: CocoAnnotation = {
            // Tiles: one annotation can be in several tiles; ids are numbered at assembly.
            id: tiled ? 0 : feature.id,
            image_id: imageId,
            category_id: classId,
            segmentation: shape.segmentation,
            area: shape.area,
            bbox: shape.bbox,
            iscrowd: 0,
            annotation_id: feature.id,
          };
          await part.add(JSON.stringify(annotation), ctx.signal);
          trailer.annotations++;
          if (Array.isArray(shape.segmentation)) trailer.polygons++;
          else trailer.rle++;
        }
        trailer.categories = [...used];
        await part.commit(trailer);
      } catch (e) {
        await part.abort();
        throw e;
      }
    },
    async close(ctx): Promise<WriterSummary> {
      const assembled =
        options.assemble === false || ctx.signal.aborted
          ? { files: [], stats: { annotations: 0, polygons: 0, rle: 0, skipped: 0, images: 0 } }
          : await assembleCoco(ctx, { dir, partsDir, plan, supercategory: options.supercategory, name });
      if (!keepParts && options.assemble !== false) {
        await rm(ctx.out.resolve(partsDir), { recursive: true, force: true });
      }
      return {
        writer: name,
        files: assembled.files,
        items: assembled.stats.annotations,
        warnings,
        details: { ...assembled.stats },
      };
    },
  };
});

function tileImageId(batch: ImageBatch): number {
  const { col, row } = batch.tile!;
  if (
    col < 0 ||
    row < 0 ||
    col >= 10_000 ||
    row >= 1_000 ||
    !Number.isSafeInteger(batch.image.id * 10_000_000)
  ) {
    throw new ConfigError(
      `tile ${row},${col} of image ${batch.image.id} does not fit COCO tile ids (row < 1000, col < 10000)`,
    );
  }
  return batch.image.id * 10_000_000 + row * 10_000 + col;
}

function cocoImage(batch: ImageBatch, id: number, fileName: 'id' | 'original', ext: string): CocoImage {
  const { image, canvas } = batch;
  if (batch.tile !== undefined) {
    return {
      id,
      file_name: `${image.id}/${canvas.x}_${canvas.y}.${ext}`,
      width: canvas.width,
      height: canvas.height,
      cytomine_image_id: image.id,
      tile_x: canvas.x,
      tile_y: canvas.y,
    };
  }
  const original = image.originalFilename ?? image.instanceFilename ?? image.filename;
  const file_name =
    fileName === 'original' && typeof original === 'string' && original !== ''
      ? safeSegment(original, `${image.id}.${ext}`)
      : `${image.id}.${ext}`;
  return { id, file_name, width: canvas.width, height: canvas.height };
}
