import path from 'node:path';
import { type CytomineClient, getImageThumbnail, isCytorxError } from '@cytorx/core';
import { PNG } from 'pngjs';
import { firstValueFrom } from 'rxjs';
import { imageDimensions } from './image-dimensions.js';
import { forEachPngRow } from './png-rows.js';
import type { ExportedImage } from './read-export.js';

/** A slide thumbnail: its pixel size, and its encoded bytes unless none could be had. */
export interface Thumbnail {
  width: number;
  height: number;
  bytes?: Uint8Array;
  ext?: 'png' | 'jpg';
  source: 'server' | 'export' | 'none';
  /** Why there is no picture, or what is odd about it. */
  note?: string;
}

/**
 * Thumbnail size of a `width` x `height` image with its longest side `maxSize`, as the image
 * server computes it (the other side rounded, at least 1).
 * @internal
 */
export function thumbnailSize(width: number, height: number, maxSize: number): [number, number] {
  if (width > height) return [maxSize, Math.max(1, Math.round((maxSize / width) * height))];
  return [Math.max(1, Math.round((maxSize / height) * width)), maxSize];
}

/** The longest thumbnail side for an image: `maxSize`, or less when its canvas is smaller. */
export function thumbnailSide(image: ExportedImage, maxSize: number): number {
  const longest = Math.max(Math.ceil(image.width * image.scale), Math.ceil(image.height * image.scale));
  return Math.max(1, Math.min(maxSize, longest));
}

/** A thumbnail without a picture (the overlay is drawn on a neutral background). */
export function noThumbnail(image: ExportedImage, maxSize: number, note?: string): Thumbnail {
  const [width, height] = thumbnailSize(image.width, image.height, thumbnailSide(image, maxSize));
  return note === undefined ? { width, height, source: 'none' } : { width, height, source: 'none', note };
}

/**
 * Fetches the server's thumbnail (`thumb.{format}?maxSize=N`); its size is read from the
 * bytes. A thumbnail whose aspect ratio is not the image's is flagged in `note` (another
 * server, or an image that changed). Server errors are returned as a note, except aborts.
 * @internal
 */
export async function serverThumbnail(
  client: CytomineClient,
  image: ExportedImage,
  options: { maxSize: number; format: 'png' | 'jpg'; signal?: AbortSignal },
): Promise<Thumbnail> {
  const maxSize = thumbnailSide(image, options.maxSize);
  let bytes: Uint8Array;
  try {
    bytes = await firstValueFrom(
      getImageThumbnail(client, image.id, {
        maxSize,
        format: options.format,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    );
  } catch (error) {
    if (isCytorxError(error) && error.code === 'CYTORX_ABORTED') throw error;
    return noThumbnail(image, maxSize, `no thumbnail: ${(error as Error).message}`);
  }
  const dims = imageDimensions(bytes);
  if (dims === undefined) return noThumbnail(image, maxSize, 'no thumbnail: the server sent no PNG or JPEG');
  const thumb: Thumbnail = {
    width: dims.width,
    height: dims.height,
    bytes,
    ext: dims.format,
    source: 'server',
  };
  const [ew, eh] = thumbnailSize(image.width, image.height, maxSize);
  if (Math.abs(dims.width - ew) > 1 || Math.abs(dims.height - eh) > 1) {
    thumb.note = `the server's thumbnail is ${dims.width}x${dims.height}, expected ${ew}x${eh} for a ${image.width}x${image.height} image: is this the server the export came from?`;
  }
  return thumb;
}

/** Left and top of a tile file named `{x}_{y}.png` (canvas pixels), or (0, 0). */
export function tileOrigin(file: string): [number, number] {
  const m = /(\d+)_(\d+)\.[a-z]+$/i.exec(path.basename(file));
  return m === null ? [0, 0] : [Number(m[1]), Number(m[2])];
}

/** Where thumbnail pixels sample the canvas: column → canvas x, canvas y → thumbnail rows. */
export interface SampleGrid {
  cx: Int32Array;
  rowsAt: Map<number, number[]>;
}

/**
 * The canvas pixel under the centre of each thumbnail pixel's footprint: thumbnail pixel
 * (i, j) of a `tw` x `th` thumbnail covers full-resolution `[i·W/tw, (i+1)·W/tw)` (y down),
 * its centre lands in canvas pixel `floor((i + ½)·W/tw · scale)`.
 * @internal
 */
export function sampleGrid(image: ExportedImage, tw: number, th: number): SampleGrid {
  const s = image.scale;
  const cx = new Int32Array(tw);
  for (let i = 0; i < tw; i++) cx[i] = Math.floor((((i + 0.5) * image.width) / tw) * s);
  const rowsAt = new Map<number, number[]>();
  for (let j = 0; j < th; j++) {
    const y = Math.floor((((j + 0.5) * image.height) / th) * s);
    const list = rowsAt.get(y);
    if (list === undefined) rowsAt.set(y, [j]);
    else list.push(j);
  }
  return { cx, rowsAt };
}

/**
 * Point-samples PNG files of an image's canvas (one, or tiles named `{x}_{y}`) at the
 * thumbnail's pixel centres ({@link sampleGrid}), streaming each file row by row: `put(t,
 * samples, p, channels)` gets thumbnail pixel index `t` and the sample offset `p` of the
 * canvas pixel under it in the row `samples`.
 * @internal
 */
export async function samplePngs(
  dir: string,
  image: ExportedImage,
  files: readonly string[],
  tiled: boolean,
  tw: number,
  th: number,
  put: (t: number, samples: Uint8Array, p: number, channels: number) => void,
): Promise<void> {
  const { cx, rowsAt } = sampleGrid(image, tw, th);
  for (const file of files) {
    const [ox, oy] = tiled ? tileOrigin(file) : [0, 0];
    let channels = 1;
    let width = 0;
    await forEachPngRow(
      path.join(dir, file),
      (h) => {
        channels = h.channels;
        width = h.width;
      },
      (y, samples) => {
        for (const j of rowsAt.get(oy + y) ?? []) {
          for (let i = 0; i < tw; i++) {
            const x = cx[i]! - ox;
            if (x >= 0 && x < width) put(j * tw + i, samples, x * channels, channels);
          }
        }
      },
    );
  }
}

/**
 * A thumbnail made from the exported image pixels (`images/{id}.png` or its tiles), read row
 * by row: thumbnail pixel (i, j) is the canvas pixel under the centre of its footprint
 * (point sampling, the same mapping as the overlay). Parts no written tile covers stay dark.
 * @internal
 */
export async function exportedThumbnail(
  dir: string,
  image: ExportedImage,
  files: readonly string[],
  tiled: boolean,
  maxSize: number,
): Promise<Thumbnail> {
  const [tw, th] = thumbnailSize(image.width, image.height, thumbnailSide(image, maxSize));
  const png = new PNG({ width: tw, height: th, colorType: 2 });
  png.data.fill(48);
  for (let k = 3; k < png.data.length; k += 4) png.data[k] = 255;
  await samplePngs(dir, image, files, tiled, tw, th, (t, samples, p, channels) => {
    const o = 4 * t;
    const grey = channels < 3;
    png.data[o] = samples[p]!;
    png.data[o + 1] = samples[grey ? p : p + 1]!;
    png.data[o + 2] = samples[grey ? p : p + 2]!;
  });
  return {
    width: tw,
    height: th,
    bytes: PNG.sync.write(png, { colorType: 2 }),
    ext: 'png',
    source: 'export',
  };
}
