import { AbortedError, ConfigError, type ImageBatch } from '@cytorx/core';
import { batchKey } from '../batch-key.js';
import { defineWriter } from '../define-writer.js';
import { JsonBytes } from '../json/json-bytes.js';
import type { WriterContext, WriterSummary } from '../writer.js';
import { FeatureEncoder, GEOJSON_FLAVORS, type GeojsonFlavor } from './feature-json.js';

/** Options of {@link geojsonWriter}. All plain data (they may come from the command line). */
export interface GeojsonWriterOptions {
  /**
   * `default`: the ATrISys properties (`image_id`, `annotation_id`, `class_id`, `class_name`,
   * `term_ids`, `term_names`, `user_id`, `created`; `term_ids`/`term_names` are `null`, never
   * `[]`, for a feature without terms) and the feature id as a number.
   * `qupath`: the same plus what QuPath's importer reads: `objectType: "annotation"`,
   * `classification: { name, color: [r, g, b] }` (always with a colour) and a UUID feature id
   * derived from the feature id (stable across exports). Default `default`.
   */
  flavor?: GeojsonFlavor;
  /** Folder under the output directory. Default `geojson`. */
  dir?: string;
  /**
   * Round coordinates to this many decimals (0..12), written as the shortest decimal of the
   * rounded value. Default 9 (1e-9 px: drops the floating-point noise of the y flip, e.g.
   * `897.6700000000001` is written `897.67`, and keeps every coordinate Cytomine stores exact).
   */
  precision?: number;
  /** Writer name in events, errors and summaries. Default `geojson`. */
  name?: string;
}

/** Bytes buffered before a chunk is handed to the file (and backpressure awaited). */
const CHUNK = 64 * 1024;

/**
 * The GeoJSON writer: one FeatureCollection per batch, `{dir}/{imageId}.geojson` (a tile:
 * `{dir}/{imageId}/{x}_{y}.geojson`), streamed to disk feature by feature (never one string per
 * file) and published atomically when complete. Geometry is written as the batch carries it:
 * image pixel space when the pipeline ran `toImageSpace()`, Cytomine's frame otherwise
 * (`feature.frame`). Uses only the public writer contract.
 *
 * On cancellation (`ctx.signal` aborted) the file being written is discarded; files of
 * earlier batches are complete and stay.
 *
 * @param options - See {@link GeojsonWriterOptions}; defaults `{ flavor: 'default', dir: 'geojson' }`.
 * @throws ConfigError `CYTORX_CONFIG` for an unknown flavor, a bad precision or dir.
 * @example
 * ```ts
 * import { createWriterContext, geojsonWriter, writeTo } from '@cytorx/writers';
 * const ctx = await createWriterContext({ out: './dataset', classes });
 * batches$.pipe(writeTo(ctx, geojsonWriter({ flavor: 'qupath' }))).subscribe();
 * ```
 */
export const geojsonWriter = defineWriter<GeojsonWriterOptions>((options = {}) => {
  const { flavor = 'default', dir = 'geojson', precision, name = 'geojson' } = options;
  if (!GEOJSON_FLAVORS.includes(flavor)) {
    throw new ConfigError(
      `geojson writer: flavor must be "default" or "qupath", got ${JSON.stringify(flavor)}`,
    );
  }
  if (precision !== undefined && (!Number.isInteger(precision) || precision < 0 || precision > 12)) {
    throw new ConfigError(
      `geojson writer: precision must be an integer 0..12, got ${JSON.stringify(precision)}`,
    );
  }
  if (typeof dir !== 'string' || dir === '')
    throw new ConfigError('geojson writer: dir must be a non-empty string');
  if (typeof name !== 'string' || name === '')
    throw new ConfigError('geojson writer: name must be a non-empty string');

  const files: string[] = [];
  let items = 0;
  let warnings = 0;
  let warnedFrame = false;
  const fmt = { flavor, precision };
  let encoder: FeatureEncoder | undefined;

  return {
    name,
    open(ctx) {
      ctx.out.resolve(`${dir}/x.geojson`); // fail early on a dir outside the output directory
    },
    async write(batch: ImageBatch, ctx: WriterContext) {
      if (flavor === 'qupath' && !warnedFrame && batch.features.some((f) => f.frame !== 'image')) {
        warnedFrame = true;
        warnings++;
        ctx.warn({
          code: 'OTHER',
          stage: name,
          message:
            'QuPath expects image pixel coordinates (origin top-left); these features are in the Cytomine frame',
          imageId: batch.image.id,
          skipped: false,
        });
      }
      const rel = `${dir}/${batchKey(batch)}.geojson`;
      const file = await ctx.out.open(rel);
      try {
        if (encoder === undefined || encoder.classes !== ctx.classes)
          encoder = new FeatureEncoder(ctx.classes, fmt);
        const out = new JsonBytes(CHUNK + 4096);
        out.ascii('{"type":"FeatureCollection","features":[');
        let first = true;
        for (const feature of batch.features) {
          out.ascii(first ? '\n' : ',\n');
          encoder.encode(feature, out);
          first = false;
          if (out.length >= CHUNK) {
            if (ctx.signal.aborted) throw new AbortedError(`${name}: cancelled while writing ${rel}`);
            await file.write(out.take());
          }
        }
        out.ascii('\n]}\n');
        await file.write(out.take());
        await file.commit();
      } catch (e) {
        await file.abort();
        throw e;
      }
      files.push(rel);
      items += batch.features.length;
    },
    close(): WriterSummary {
      return {
        writer: name,
        files: [...files].sort(),
        items,
        warnings,
        details: { flavor, batches: files.length },
      };
    },
  };
});
