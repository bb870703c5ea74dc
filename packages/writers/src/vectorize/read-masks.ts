import { basename } from 'node:path';
import { AbortedError, ConfigError, MaskVectorizer, type SourceFeature } from '@cytorx/core';
import { zoomFor } from '../export/zoom-for.js';
import type { MaskImage, MaskInput, MaskLayout } from './mask-files.js';
import { type PngBand, PngRows } from './png-rows.js';
import type { PredictionOptions } from './prediction-options.js';
import { tiledBands } from './tiled-bands.js';

/** Rows decoded at a time: about 4 MB of mask per band. */
const bandRows = (width: number): number => Math.max(1, Math.floor((4 << 20) / width));

/** The zoom level of an image's mask: `--zoom`, else the manifest, else the one its size fits. */
function zoomOf(
  image: MaskImage,
  size: { width: number; height: number },
  layout: MaskLayout,
  options: PredictionOptions,
  mask?: { width: number; height: number },
): number {
  if (options.zoom !== undefined) return zoomFor(size.width, size.height, { zoom: options.zoom });
  if (layout.zoom !== undefined) return zoomFor(size.width, size.height, { zoom: layout.zoom });
  if (layout.maxSize !== undefined) return zoomFor(size.width, size.height, { maxSize: layout.maxSize });
  if (mask === undefined) return 0;
  for (let z = 0; z <= 30; z++) {
    if (Math.ceil(size.width / 2 ** z) === mask.width && Math.ceil(size.height / 2 ** z) === mask.height)
      return z;
  }
  throw new ConfigError(
    `mask of image ${image.imageId} is ${mask.width}x${mask.height}, the image ${size.width}x${size.height}: no zoom level gives that size (a mask must cover the whole image at 1/2^z)`,
  );
}

/**
 * Vectorizes class-index masks (see `findMasks`) into features: each connected region of one
 * class (values in `ignore` skipped) becomes one feature with `classId` = the pixel value,
 * its polygon in full-resolution image pixels (mask coordinates · 2^zoom). Tiled masks are
 * assembled row of tiles by row of tiles before vectorising, so a region cut by tile borders
 * is one feature. Memory: one band of rows (one row of tiles), plus the regions still open.
 * @internal
 */
export async function readMasks(input: MaskInput, options: PredictionOptions): Promise<SourceFeature[]> {
  const features: SourceFeature[] = [];
  for (const image of input.images) {
    if (options.signal?.aborted) throw new AbortedError('reading masks aborted');
    const size = await options.imageSize(image.imageId);
    const name = image.kind === 'file' ? basename(image.path) : `${image.imageId}/`;
    let n = 0;
    const push = (v: MaskVectorizer, bands: AsyncIterable<PngBand>) => consume(v, bands, options.signal);
    const onRegion = (r: { classId: number; geometry: SourceFeature['geometry'] }) => {
      features.push({
        label: `${name}#region ${n++}`,
        imageId: image.imageId,
        classId: r.classId,
        geometry: r.geometry!,
      });
    };
    if (image.kind === 'file') {
      const png = await PngRows.open(image.path);
      const z = zoomOf(image, size, input.layout, options, png);
      const expected = { width: Math.ceil(size.width / 2 ** z), height: Math.ceil(size.height / 2 ** z) };
      if (png.width !== expected.width || png.height !== expected.height) {
        throw new ConfigError(
          `${image.path} is ${png.width}x${png.height}, but image ${image.imageId} (${size.width}x${size.height}) at zoom ${z} is ${expected.width}x${expected.height}; check --zoom`,
        );
      }
      const v = new MaskVectorizer(png.width, onRegion, vectorizeOptions(options, z));
      await push(v, png.bands(bandRows(png.width)));
    } else {
      const z = zoomOf(image, size, input.layout, options);
      const width = Math.ceil(size.width / 2 ** z);
      const height = Math.ceil(size.height / 2 ** z);
      const v = new MaskVectorizer(width, onRegion, vectorizeOptions(options, z));
      await push(v, tiledBands(image.tiles, width, height, input.layout.tile, options.signal));
    }
    options.onFile?.({ file: name, features: n });
  }
  return features;
}

function vectorizeOptions(options: PredictionOptions, z: number) {
  return {
    connectivity: options.connectivity ?? 8,
    ignore: options.ignore ?? [0, 255],
    scale: 2 ** z,
    ...(options.simplify !== undefined ? { simplify: options.simplify } : {}),
  } as const;
}

async function consume(
  v: MaskVectorizer,
  bands: AsyncIterable<PngBand>,
  signal?: AbortSignal,
): Promise<void> {
  for await (const band of bands) {
    if (signal?.aborted) throw new AbortedError('reading masks aborted');
    v.push(band.data, band.rows);
  }
  v.finish();
}
