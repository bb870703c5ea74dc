import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AbortedError, ConfigError, readUploadSource, type UploadSource } from '@cytorx/core';
import { zoomFor } from '../export/zoom-for.js';
import { findMasks, type MaskLayout, readLayout } from './mask-files.js';
import type { PredictionOptions } from './prediction-options.js';
import { readCoco } from './read-coco.js';
import { readMasks } from './read-masks.js';

/** What {@link readPredictions} found. */
export interface PredictionSource extends UploadSource {
  /** Images the input covers (empty masks included), ascending. */
  images: number[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The export folder of a COCO file (`{root}/coco/annotations.json`), if it has a manifest. */
function cocoRoot(file: string): string | undefined {
  for (const d of [dirname(file), dirname(dirname(file))]) if (existsSync(join(d, 'manifest.json'))) return d;
  return undefined;
}

/**
 * Reads predictions to upload, whatever their form:
 * - class-index masks (`{imageId}_mask.png`, a folder of them, tiled masks `{imageId}/{x}_{y}.png`,
 *   or an export folder holding `masks/`): vectorised row band by row band, each connected
 *   region of one class one feature with `classId` = its pixel value;
 * - COCO (`images` + `annotations`): polygons as they are, RLE vectorised, tiles of cytorx's
 *   tiled COCO mapped back to their image and merged per annotation;
 * - anything else: GeoJSON, as `readUploadSource` of @cytorx/core reads it.
 * Masks and COCO written at a zoom level are scaled back to full resolution (see
 * {@link PredictionOptions.zoom}). Vectorised polygons re-rasterize exactly to the input under
 * the cytorx pixel rule and are valid by OGC rules.
 * @param path - File or folder.
 * @param options - See {@link PredictionOptions} (`imageSize` is required).
 * @returns The features and the images covered.
 * @throws ConfigError (`CYTORX_CONFIG`) for unreadable input, a mask whose size fits no zoom
 *   level of its image, or tiles off the grid; AbortedError (`CYTORX_ABORTED`).
 * @example
 * ```ts
 * import { readPredictions } from '@cytorx/writers';
 * const source = await readPredictions('out/masks', {
 *   imageSize: async (id) => lastValueFrom(getImage(client, id)),
 * });
 * ```
 */
export async function readPredictions(path: string, options: PredictionOptions): Promise<PredictionSource> {
  try {
    await stat(path);
  } catch (cause) {
    throw new ConfigError(`cannot read ${path}`, { cause });
  }
  const masks = await findMasks(path);
  if (masks !== undefined) {
    const features = await readMasks(masks, options);
    const classes =
      masks.root && existsSync(join(masks.root, 'classes.json'))
        ? join(masks.root, 'classes.json')
        : undefined;
    return {
      kind: 'masks',
      features,
      images: masks.images.map((m) => m.imageId),
      ...(classes ? { classes } : {}),
    };
  }
  if (/\.json$/i.test(path) && !/\.geojson$/i.test(path)) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(path, 'utf8'));
    } catch (cause) {
      throw new ConfigError(`${path} is not readable JSON: ${(cause as Error).message}`, { cause });
    }
    if (isRecord(doc) && Array.isArray(doc.images) && Array.isArray(doc.annotations)) {
      return readCocoSource(doc, path, options);
    }
  }
  const source = await readUploadSource(
    path,
    options.imageId === undefined ? {} : { imageId: options.imageId },
  );
  options.onFile?.({ file: basename(path), features: source.features.length });
  const images = [...new Set(source.features.flatMap((f) => (f.imageId === undefined ? [] : [f.imageId])))];
  return { ...source, images: images.sort((a, b) => a - b) };
}

async function readCocoSource(
  doc: Record<string, unknown>,
  path: string,
  options: PredictionOptions,
): Promise<PredictionSource> {
  const root = cocoRoot(path);
  const layout: MaskLayout = root === undefined ? {} : await readLayout(root);
  // Zoom per Cytomine image: --zoom, else the manifest, else the one the COCO image size fits.
  const zooms = new Map<number, number>();
  for (const im of doc.images as unknown[]) {
    if (!isRecord(im) || typeof im.id !== 'number') continue;
    if (options.signal?.aborted) throw new AbortedError('reading COCO aborted');
    const tiled = typeof im.cytomine_image_id === 'number';
    const image = tiled ? (im.cytomine_image_id as number) : im.id;
    if (zooms.has(image)) continue;
    let z = options.zoom ?? layout.zoom;
    if (z === undefined && (layout.maxSize !== undefined || !tiled)) {
      const size = await options.imageSize(image).catch(() => undefined);
      if (size && layout.maxSize !== undefined)
        z = zoomFor(size.width, size.height, { maxSize: layout.maxSize });
      else if (size) {
        for (let k = 0; k <= 30 && z === undefined; k++) {
          if (Math.ceil(size.width / 2 ** k) === im.width && Math.ceil(size.height / 2 ** k) === im.height)
            z = k;
        }
      }
    }
    zooms.set(image, z ?? 0);
  }
  const features = readCoco(doc, basename(path), (image) => zooms.get(image) ?? options.zoom ?? 0, {
    ...(options.connectivity !== undefined ? { connectivity: options.connectivity } : {}),
    ...(layout.tile !== undefined ? { tile: layout.tile } : {}),
  });
  options.onFile?.({ file: basename(path), features: features.length });
  return { kind: 'coco', features, images: [...zooms.keys()].sort((a, b) => a - b) };
}
