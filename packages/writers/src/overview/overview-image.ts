import path from 'node:path';
import { type CytomineClient, isCytorxError, tileGrid } from '@cytorx/core';
import type { OutputDir } from '../fs/output-dir.js';
import type { OverlapPolicy } from '../mask/composite.js';
import { countClassPixels, EXACT_COUNT_MAX_PIXELS } from './count-class-pixels.js';
import { readOverlayItems } from './overlay-items.js';
import type { CardInput } from './overview-html.js';
import {
  composeOverlay,
  type OverlayLayers,
  type OverlayTile,
  orderItems,
  paintItems,
  sampleMasks,
} from './paint-overlay.js';
import type { ExportedImage, ExportView } from './read-export.js';
import {
  exportedThumbnail,
  noThumbnail,
  serverThumbnail,
  type Thumbnail,
  tileOrigin,
} from './thumbnail-source.js';

/** How one image is drawn. @internal */
export interface ImageJob {
  /** `skipped`: the server failed too often, no more requests. */
  source: 'server' | 'export' | 'none' | 'skipped';
  client: CytomineClient | undefined;
  maxSize: number;
  format: 'png' | 'jpg';
  signal: AbortSignal | undefined;
  lut: Uint8Array;
  classRank: ReadonlyMap<number, number>;
  overlap: OverlapPolicy;
  /** Where the pictures go (the staging folder that becomes `overview/`). */
  pictures: OutputDir;
}

/** One image's thumbnail, overlay source and card. @internal */
export interface ImageResult {
  thumbnail: Thumbnail;
  overlay: 'geojson' | 'mask' | 'none';
  card: CardInput;
}

/** Smallest tile spacing (thumbnail px) whose borders are drawn. */
const MIN_TILE_BORDER_SPACING = 6;

const isAbort = (e: unknown): boolean => isCytorxError(e) && e.code === 'CYTORX_ABORTED';

async function thumbnailOf(view: ExportView, image: ExportedImage, job: ImageJob): Promise<Thumbnail> {
  switch (job.source) {
    case 'server':
      return serverThumbnail(job.client!, image, {
        maxSize: job.maxSize,
        format: job.format,
        ...(job.signal === undefined ? {} : { signal: job.signal }),
      });
    case 'export':
      try {
        const files = image.files.images ?? [];
        if (files.length === 0) return noThumbnail(image, job.maxSize, 'no exported image for this slide');
        return await exportedThumbnail(view.dir, image, files, view.tile !== undefined, job.maxSize);
      } catch (error) {
        return noThumbnail(image, job.maxSize, `exported image unreadable: ${(error as Error).message}`);
      }
    case 'skipped':
      return noThumbnail(image, job.maxSize, 'no thumbnail: the server failed several times in a row');
    default:
      return noThumbnail(image, job.maxSize);
  }
}

/** A link to one file, or to the folder of an image's tiles. */
function fileLink(label: string, files: readonly string[]): Array<[string, string, string]> {
  if (files.length === 0) return [];
  if (files.length === 1) return [[label, files[0]!, files[0]!]];
  const folder = `${path.posix.dirname(files[0]!)}/`;
  return [[`${label} (${files.length} tiles)`, folder, folder]];
}

function links(view: ExportView, image: ExportedImage): CardInput['links'] {
  const masks = (image.files.mask ?? []).filter((f) => !f.endsWith('_preview.png'));
  const previews = (image.files.mask ?? []).filter((f) => f.endsWith('_preview.png'));
  const out = [
    ...fileLink('GeoJSON', image.files.geojson ?? []),
    ...fileLink('mask', masks),
    ...fileLink('mask preview', previews),
    ...fileLink('image', image.files.images ?? []),
  ];
  const coco = view.writers.find((w) => w.writer === 'coco')?.outputs ?? [];
  const part = view.splits?.[String(image.id)];
  const file = part === undefined ? coco[0] : coco.find((f) => f.endsWith(`/${part}.json`));
  if (file !== undefined) {
    const entry = view.tile === undefined ? `image_id ${image.id}` : `cytomine_image_id ${image.id}`;
    out.push([part === undefined ? 'COCO' : `COCO (${part})`, file, `${file}: images with ${entry}`]);
  }
  return out;
}

/** The export's tile grid in thumbnail pixels, each tile marked written or not. */
function tilesOf(view: ExportView, image: ExportedImage, tw: number, th: number): OverlayTile[] | undefined {
  if (view.tile === undefined) return undefined;
  const canvasW = Math.ceil(image.width * image.scale);
  const canvasH = Math.ceil(image.height * image.scale);
  const grid = tileGrid(canvasW, canvasH, { size: view.tile.size, overlap: view.tile.overlap });
  const written = new Set<string>();
  for (const writer of ['geojson', 'mask', 'images']) {
    for (const f of image.files[writer] ?? []) written.add(tileOrigin(f).join('_'));
  }
  const kx = tw / (image.width * image.scale);
  const ky = th / (image.height * image.scale);
  // Borders closer than this many thumbnail pixels would hide the slide: not drawn.
  const border = grid.stride * Math.min(kx, ky) >= MIN_TILE_BORDER_SPACING;
  const tiles: OverlayTile[] = [];
  for (const y of grid.ys) {
    for (const x of grid.xs) {
      tiles.push({
        x0: Math.min(tw, Math.floor(x * kx)),
        y0: Math.min(th, Math.floor(y * ky)),
        x1: Math.min(tw, Math.floor(Math.min(x + grid.size, canvasW) * kx)),
        y1: Math.min(th, Math.floor(Math.min(y + grid.size, canvasH) * ky)),
        written: written.has(`${x}_${y}`),
        border,
      });
    }
  }
  return tiles;
}

/**
 * Prepares one image of the overview: its thumbnail (server, exported image or none), the
 * overlay painted at the thumbnail's size, both written to `job.pictures`, and its card.
 * A file of the export that cannot be read becomes a note on the card, not a failure.
 * @throws AbortedError `CYTORX_ABORTED` when `job.signal` aborts.
 * @internal
 */
export async function overviewImage(
  view: ExportView,
  image: ExportedImage,
  job: ImageJob,
): Promise<ImageResult> {
  const thumbnail = await thumbnailOf(view, image, job);
  const notes = thumbnail.note ? [thumbnail.note] : [];
  const { width: tw, height: th } = thumbnail;
  const canvasW = Math.ceil(image.width * image.scale);
  const canvasH = Math.ceil(image.height * image.scale);
  let layers: OverlayLayers | undefined;
  let exact: Map<number, number> | undefined;
  let overlay: ImageResult['overlay'] = 'none';
  const geojson = image.files.geojson ?? [];
  const masks = (image.files.mask ?? []).filter((f) => !f.endsWith('_preview.png'));
  try {
    if (geojson.length > 0) {
      const items = await readOverlayItems(view.dir, image, geojson, {
        tw,
        th,
        unlabeled: view.classes.unlabeled,
        coords: view.coords,
        ...(view.tile === undefined ? {} : { tileSize: view.tile.size }),
      });
      const ordered = orderItems(items, job.overlap, job.classRank);
      layers = paintItems(ordered, tw, th);
      overlay = 'geojson';
      if (canvasW * canvasH <= EXACT_COUNT_MAX_PIXELS) exact = countClassPixels(ordered, canvasW, canvasH);
    } else if (masks.length > 0) {
      layers = await sampleMasks(view.dir, image, masks, view.tile !== undefined, tw, th);
      overlay = 'mask';
    } else if (image.features > 0) {
      notes.push('no GeoJSON or mask exported: no overlay');
    }
  } catch (error) {
    if (isAbort(error)) throw error;
    notes.push(`overlay not drawn: ${(error as Error).message}`);
    layers = undefined;
    exact = undefined;
    overlay = 'none';
  }
  const tiles = tilesOf(view, image, tw, th);
  const maskPixels = exact ?? new Map<number, number>();
  let overlaySrc: string | undefined;
  if (layers !== undefined || tiles !== undefined) {
    const empty = new Uint8Array(tw * th);
    const composed = composeOverlay(
      layers ?? { width: tw, height: th, fill: empty, outline: empty },
      job.lut,
      tiles,
    );
    if (exact === undefined) {
      const perThumbPixel = (canvasW * canvasH) / (tw * th);
      for (const [id, px] of composed.classPixels) maskPixels.set(id, px * perThumbPixel);
    }
    await job.pictures.writeFile(`${image.id}.overlay.png`, composed.png);
    overlaySrc = `overview/${image.id}.overlay.png`;
  }
  let thumbSrc: string | undefined;
  if (thumbnail.bytes !== undefined) {
    await job.pictures.writeFile(`${image.id}.${thumbnail.ext}`, thumbnail.bytes);
    thumbSrc = `overview/${image.id}.${thumbnail.ext}`;
  }
  return {
    thumbnail,
    overlay,
    card: {
      image,
      width: tw,
      height: th,
      thumbSrc,
      overlaySrc,
      maskPixels,
      maskPixelsExact: exact !== undefined,
      warnings: view.warningsOf.get(image.id) ?? [],
      notes,
      links: links(view, image),
      tiles:
        tiles === undefined
          ? undefined
          : { total: tiles.length, written: tiles.filter((t) => t.written).length },
    },
  };
}
