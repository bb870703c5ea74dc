import { ConfigError, type ImageBatch } from '@cytorx/core';
import { defineWriter } from '../define-writer.js';
import { safeSegment } from '../fs/safe-name.js';
import { Rasterizer } from '../mask/rasterizer.js';
import type { WriterContext, WriterSummary } from '../writer.js';
import { CocoFile, type CocoImage } from './coco-file.js';
import { cocoShape } from './segmentation.js';
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
  /** Writer name in events, errors and summaries. Default `coco`. */
  name?: string;
}

/**
 * The COCO instance-segmentation writer: `{dir}/annotations.json` (or one file per split part),
 * streamed: annotations are written as batches arrive (never held in memory), then `images`
 * and `categories` at close. Ids: image id = Cytomine image id (a tile:
 * `imageId * 10^7 + row * 10^4 + col`), annotation id = `feature.id` (the annotation id, or the
 * derived id of a multi-term duplicate; for tiles, where one annotation can appear in several
 * tiles, a running number with `annotation_id` keeping the feature id), category id = class id.
 * Segmentation per raster-coco.md §C.7: polygons when each part is one ring and no rings
 * overlap, else compressed RLE with `iscrowd: 0`; `area` = pixel count and `bbox` = tight box of
 * the annotation's own mask under the cytorx pixel rule. An annotation whose mask is empty is
 * skipped with a `DEGENERATE` warning. Categories: every class of `ctx.classes`, plus
 * `unlabeled` only if used. Features must be in image pixel space (`toImageSpace()`).
 *
 * On cancellation (`ctx.signal` aborted when `close` runs) the files are discarded, never
 * published half-written.
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
  if (typeof dir !== 'string' || dir === '')
    throw new ConfigError('coco writer: dir must be a non-empty string');
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
  if (options.supercategory !== undefined && typeof options.supercategory !== 'string') {
    throw new ConfigError('coco writer: supercategory must be a string');
  }
  const plan: SplitPlan | undefined =
    options.split === undefined ? undefined : planSplit(options.split, options.seed, options.splitNames);

  const rasterizer = new Rasterizer();
  const files = new Map<string, CocoFile>();
  const assignment: Record<string, string> = {};
  const written: string[] = [];
  const stats = { annotations: 0, polygons: 0, rle: 0, skipped: 0 };
  let warnings = 0;
  let tileCounter = 0;

  const sinkFor = (imageId: number): CocoFile => {
    const part = plan === undefined ? undefined : assignSplit(plan, imageId);
    if (part !== undefined) assignment[String(imageId)] = part;
    return files.get(part ?? 'annotations.json')!;
  };

  return {
    name,
    async open(ctx) {
      const info = {
        description: ctx.project ? `cytorx export of Cytomine project ${ctx.project.name}` : 'cytorx export',
        contributor: 'cytorx',
        version: '1.0',
      };
      const supercategory =
        options.supercategory ?? ctx.project?.ontologyName ?? ctx.project?.name ?? 'cytomine';
      const parts = plan === undefined ? ['annotations.json'] : plan.names;
      for (const part of parts) {
        const rel = `${dir}/${plan === undefined ? part : `${part}.json`}`;
        files.set(part, await CocoFile.open(ctx.out, rel, info, ctx.classes, supercategory));
      }
    },
    async write(batch: ImageBatch, ctx: WriterContext) {
      const sink = sinkFor(batch.image.id);
      const { width, height } = batch.canvas;
      const imageId = batch.tile === undefined ? batch.image.id : tileImageId(batch);
      if (!sink.hasImage(imageId)) sink.addImage(cocoImage(batch, imageId, fileName, imageExtension));
      for (const feature of batch.features) {
        if (feature.frame !== 'image') {
          throw new ConfigError(
            `annotation ${feature.annotationId} is in the ${feature.frame} frame; COCO needs image pixel space (toImageSpace())`,
          );
        }
        const shape = cocoShape(feature.geometry, width, height, rasterizer, {
          annotationId: feature.annotationId,
          imageId: batch.image.id,
        });
        if (shape === undefined) {
          stats.skipped++;
          warnings++;
          ctx.warn({
            code: 'DEGENERATE',
            stage: name,
            message: `annotation ${feature.annotationId} covers no pixel centre of ${imageId === batch.image.id ? 'its image' : `tile ${batch.canvas.x},${batch.canvas.y}`}; left out of COCO (area 0)`,
            annotationId: feature.annotationId,
            imageId: batch.image.id,
            skipped: true,
          });
          continue;
        }
        const classId = feature.classId ?? ctx.classes.unlabeled;
        const id = batch.tile === undefined ? feature.id : ++tileCounter;
        await sink.addAnnotation(
          {
            id,
            image_id: imageId,
            category_id: sink.useCategory(classId, feature.className),
            segmentation: shape.segmentation,
            area: shape.area,
            bbox: shape.bbox,
            iscrowd: 0,
            annotation_id: feature.id,
          },
          ctx.signal,
        );
        stats.annotations++;
        if (Array.isArray(shape.segmentation)) stats.polygons++;
        else stats.rle++;
      }
    },
    async close(ctx): Promise<WriterSummary> {
      // Integer-like keys serialise in ascending numeric order, so splits.json is deterministic.
      const discard = ctx.signal.aborted;
      for (const file of files.values()) {
        if (discard) await file.abort();
        else written.push(await file.commit());
      }
      if (!discard && plan !== undefined) {
        const rel = `${dir}/splits.json`;
        await ctx.out.writeFile(rel, `${JSON.stringify(assignment, null, 1)}\n`);
        written.push(rel);
      }
      return {
        writer: name,
        files: written.sort(),
        items: stats.annotations,
        warnings,
        details: { ...stats, images: [...files.values()].reduce((n, f) => n + f.imageCount, 0) },
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
