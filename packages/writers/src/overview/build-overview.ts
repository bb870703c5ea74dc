import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AbortedError, ConfigError, type CytomineClient, isCytorxError } from '@cytorx/core';
import { createOutputDir } from '../fs/output-dir.js';
import type { OverlapPolicy } from '../mask/composite.js';
import { previewPalette } from '../mask/preview-palette.js';
import { mapOrdered } from './map-ordered.js';
import { type ClassLook, card, pageHead, pageTail } from './overview-html.js';
import { overviewImage } from './overview-image.js';
import { readExport } from './read-export.js';

/** Options of {@link buildOverview}. */
export interface OverviewOptions {
  /** Client of the server the export came from: thumbnails are fetched from it. */
  client?: CytomineClient;
  /**
   * Where the slide pictures come from: `auto` (default) uses an image's exported pixels
   * when the export wrote some (`withImages`), else the server's thumbnail when `client` is
   * given, else none (masks over a neutral background); `server`, `export` and `none` force
   * a source.
   */
  thumbnails?: 'auto' | 'server' | 'export' | 'none';
  /** Longest side of the thumbnails, 16..512 px. Default 512. */
  maxSize?: number;
  /** Encoding of the server thumbnails. Default `jpg` (exported images give PNG thumbnails). */
  format?: 'jpg' | 'png';
  /** Images prepared at the same time (thumbnail downloads in flight). Default 4. */
  concurrency?: number;
  /** Server shown in the header. Default: `client.host`. */
  server?: string;
  /** Date shown as the overview's build date. Default: now. */
  builtAt?: Date;
  /** Cancels the build: nothing is written, the previous overview stays. */
  signal?: AbortSignal;
}

/** What {@link buildOverview} wrote. */
export interface OverviewSummary {
  /** Absolute path of overview.html. */
  html: string;
  images: number;
  /** Thumbnails by source (`none`: a neutral background). */
  thumbnails: { server: number; export: number; none: number };
  /** Overlays by source: the GeoJSON features, the masks, or none (neither was exported). */
  overlays: { geojson: number; mask: number; none: number };
  /** Images whose card carries a note (thumbnail unavailable, unreadable files...). */
  notes: number;
}

/** Server failures in a row after which no more thumbnails are requested. */
const MAX_FAILURES_IN_A_ROW = 3;

function checkOptions(options: OverviewOptions): { maxSize: number; concurrency: number } {
  const maxSize = options.maxSize ?? 512;
  if (!Number.isInteger(maxSize) || maxSize < 16 || maxSize > 512) {
    throw new ConfigError(`overview: maxSize must be an integer in 16..512, got ${String(options.maxSize)}`);
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(
      `overview: concurrency must be a positive integer, got ${String(options.concurrency)}`,
    );
  }
  if (options.format !== undefined && options.format !== 'jpg' && options.format !== 'png') {
    throw new ConfigError(`overview: format must be jpg or png, got ${String(options.format)}`);
  }
  const modes = ['auto', 'server', 'export', 'none'];
  if (options.thumbnails !== undefined && !modes.includes(options.thumbnails)) {
    throw new ConfigError(
      `overview: thumbnails must be one of ${modes.join(', ')}, got ${String(options.thumbnails)}`,
    );
  }
  if (options.thumbnails === 'server' && options.client === undefined) {
    throw new ConfigError('overview: thumbnails "server" needs a client');
  }
  return { maxSize, concurrency };
}

/**
 * Builds `overview.html` and its `overview/` folder of pictures in an export folder, from
 * what the export wrote (report.json, classes.json, GeoJSON, masks, COCO, images): a header
 * with the project, server, dates, options, class legend (term colours, class ids,
 * annotation and estimated mask pixel counts) and totals; then one card per image with its
 * thumbnail, the mask drawn over it in class colours (semi-transparent, annotation outlines
 * opaque, tile grid when tiled), its counts per class, its warnings, and links to its
 * GeoJSON, mask and COCO entries. The page is one self-contained file (no script, nothing
 * from the network) that opens from the file system.
 *
 * The overlay is exact at thumbnail scale: the exported features are rasterized again at
 * that scale with the export's pixel rule and overlap order (or, without GeoJSON, the masks
 * are sampled). Images are prepared `concurrency` at a time and written as they are done, so
 * memory holds a few thumbnails whatever the number of images. The pictures are written in a
 * temporary folder that replaces `overview/` at the end, then overview.html is written
 * atomically; on failure or cancellation the previous overview is left as it was.
 *
 * @param dir the export folder (holding report.json)
 * @param options thumbnails source and size, client, concurrency (defaults: see {@link OverviewOptions})
 * @returns paths and counts
 * @throws {ConfigError} `CYTORX_CONFIG` when `dir` holds no export report or an option is invalid
 * @throws {AbortedError} `CYTORX_ABORTED` when `signal` aborts
 * @example
 * ```ts
 * import { buildOverview } from '@cytorx/writers';
 * const { html } = await buildOverview('./dataset', { client });
 * console.log(`open ${html}`);
 * ```
 */
export async function buildOverview(dir: string, options: OverviewOptions = {}): Promise<OverviewSummary> {
  const { maxSize, concurrency } = checkOptions(options);
  const root = path.resolve(dir);
  const view = await readExport(root);
  const lut = previewPalette(view.classes);
  const names = new Map(view.classes.classes.map((c) => [c.id, c.name]));
  const look: ClassLook = {
    name: (id) => names.get(id) ?? (id === view.classes.unlabeled ? 'unlabeled' : `class ${id}`),
    color: (id) => `#${[0, 1, 2].map((k) => (lut[3 * id + k] ?? 0).toString(16).padStart(2, '0')).join('')}`,
  };
  const classRank = new Map(view.classes.classes.map((c, i) => [c.id, i]));
  const mode = options.thumbnails ?? 'auto';
  const staging = path.join(root, `.overview.${randomBytes(4).toString('hex')}.cytorx-tmp`);
  const pictures = await createOutputDir(staging);
  const summary: OverviewSummary = {
    html: path.join(root, 'overview.html'),
    images: view.images.length,
    thumbnails: { server: 0, export: 0, none: 0 },
    overlays: { geojson: 0, mask: 0, none: 0 },
    notes: 0,
  };
  const totals = new Map<number, number>();
  const cards: string[] = [];
  let failuresInARow = 0;
  let allExact = true;
  let swapped = false;
  try {
    await mapOrdered(
      view.images,
      concurrency,
      async (image) => {
        if (options.signal?.aborted) throw new AbortedError('overview build aborted');
        const hasImages = (image.files.images?.length ?? 0) > 0;
        const source =
          mode === 'export' || (mode === 'auto' && hasImages)
            ? 'export'
            : (mode === 'server' || mode === 'auto') && options.client !== undefined
              ? failuresInARow >= MAX_FAILURES_IN_A_ROW
                ? 'skipped'
                : 'server'
              : 'none';
        const r = await overviewImage(view, image, {
          source,
          client: options.client,
          maxSize,
          format: options.format ?? 'jpg',
          signal: options.signal,
          lut,
          classRank,
          overlap: (view.options.overlap ?? 'smaller-on-top') as OverlapPolicy,
          pictures,
        });
        if (source === 'server') failuresInARow = r.thumbnail.source === 'server' ? 0 : failuresInARow + 1;
        return r;
      },
      (r) => {
        summary.thumbnails[r.thumbnail.source]++;
        summary.overlays[r.overlay]++;
        if (r.card.notes.length > 0) summary.notes++;
        for (const [id, px] of r.card.maskPixels) totals.set(id, (totals.get(id) ?? 0) + px);
        if (!r.card.maskPixelsExact && r.overlay !== 'none') allExact = false;
        cards.push(card(r.card, look));
      },
    );
    const t = summary.thumbnails;
    const head = pageHead(view, look, {
      server: options.server ?? options.client?.host,
      builtAt: options.builtAt ?? new Date(),
      maskPixels: totals,
      maskPixelsExact: allExact,
      thumbnails: `${t.server} from the server, ${t.export} from the exported images, ${t.none} without (max ${maxSize} px)`,
    });
    const html = `${head}${cards.join('')}${pageTail()}`;
    const final = path.join(root, 'overview');
    const old = path.join(root, `.overview-old.${randomBytes(4).toString('hex')}.cytorx-tmp`);
    await rename(final, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(staging, final);
    swapped = true;
    await (await createOutputDir(root)).writeFile('overview.html', html);
    await rm(old, { recursive: true, force: true });
    return summary;
  } catch (error) {
    if (options.signal?.aborted && !(isCytorxError(error) && error.code === 'CYTORX_ABORTED')) {
      throw new AbortedError('overview build aborted', { cause: error });
    }
    throw error;
  } finally {
    if (!swapped) await rm(staging, { recursive: true, force: true });
  }
}
