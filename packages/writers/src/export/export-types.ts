import type { ClassMapping, MultiTermPolicy, PipelineWarning } from '@cytorx/core';
import type { CocoSegmentationMode } from '../coco/segmentation.js';
import type { GeojsonFlavor } from '../geojson/feature-json.js';
import type { OverlapPolicy } from '../mask/composite.js';
import type { Writer } from '../writer.js';
import type { Shard } from './shard.js';

/** Built-in outputs of {@link exportProject}. */
export type ExportFormat = 'geojson' | 'mask' | 'coco' | 'ome-zarr';

/** Options of `exportProject`. Only `project` and `out` are required. */
export interface ExportOptions {
  /** The Cytomine project id. */
  project: number;
  /** Output directory (created if missing). */
  out: string;
  /**
   * Built-in outputs. Default `['geojson', 'mask']` (what the ATrISys guide produces).
   * `ome-zarr`: a multiscale OME-NGFF label image per image (`labels/{imageId}.zarr`, level 0 =
   * the mask at `zoom`/`maxSize`); not combinable with `tile`.
   */
  formats?: readonly ExportFormat[];
  /** Only these images (ids of the project). Default: every image of the project. */
  images?: readonly number[];
  /** Only annotations with one of these terms: ids, or names resolved against the ontology. */
  terms?: ReadonlyArray<number | string>;
  /** Only annotations created by these users. */
  users?: readonly number[];
  /** Only reviewed annotations (Cytomine's ReviewedAnnotation listing). Default false. */
  reviewed?: boolean;
  /** Only annotations created after this instant (Date, epoch ms or ISO date string). */
  after?: Date | number | string;
  /** The class mapping (e.g. read with `parseClassMapping`). Default: the ontology's terms, 1..N by term id. */
  classes?: ClassMapping;
  /** Class id of annotations without a (mapped) term, 1..255. Default 255 (or the mapping's). */
  unlabeled?: number;
  /** Multi-term policy (`mapClasses`). Default `first`. */
  multiTerm?: MultiTermPolicy;
  /** Mask overlap policy. Default `smaller-on-top`. */
  overlap?: OverlapPolicy;
  /**
   * Frame of the GeoJSON (and extra writers') geometry: `image` (pixels, y down; default) or
   * `cytomine` (origin bottom-left, y up, as the server stores it). Masks, COCO and images are
   * always in image pixel space so they stay aligned. Not combinable with `tile`.
   */
  coords?: 'image' | 'cytomine';
  /** Downsample every image by 2^-zoom. Default 0 (full resolution). */
  zoom?: number;
  /** Downsample each image by the smallest power of two that makes its longest side <= maxSize. */
  maxSize?: number;
  /** Cut every image into tiles (`tile()` of @cytorx/core): size, overlap (default 0), select (default `all`). */
  tile?: { size: number; overlap?: number; select?: 'all' | 'annotated' };
  /**
   * Also write the image pixels aligned with the masks (`images/{imageId}.png`, or tiles under
   * `images/{imageId}/`) with `imagesWriter`. A whole slide at full resolution is refused before
   * anything is fetched: use `tile`, `zoom` or `maxSize`. Default false.
   */
  withImages?: boolean;
  /** COCO split fractions, e.g. `[0.8, 0.1, 0.1]` or `"0.8,0.1,0.1"` (whole images, seeded hash). */
  split?: number[] | string;
  /** Seed of the COCO split. Default 0. */
  seed?: number;
  /**
   * COCO segmentations (`cocoWriter`'s `segmentation`): `auto` (polygons only where
   * pycocotools decodes them to exactly the annotation's mask, else RLE), `polygon` or `rle`.
   * Default `auto`.
   */
  cocoSegmentation?: CocoSegmentationMode;
  /** GeoJSON properties (`geojsonWriter`'s `flavor`): `default` or `qupath`. Default `default`. */
  geojsonFlavor?: GeojsonFlavor;
  /** Extra writers (e.g. from `resolveWriter`), run after the built-in ones. */
  writers?: readonly Writer[];
  /**
   * Images processed at the same time (fetched, held, written). Default 3: with the client's
   * 8 connections and 4 pages per image this keeps requests flowing at 20-100 ms latency, and
   * a fourth image only adds memory when the export is CPU-bound (writers/README.md, export).
   */
  concurrency?: number;
  /**
   * Worker threads that run image jobs (parse, transform, and write each image's GeoJSON,
   * mask and COCO part) besides the calling thread, which runs a job whenever it has none;
   * 0 = every job in the calling thread. The annotations are always listed in the calling
   * thread and streamed to the job's worker; the images writer and third-party writers stay in
   * the calling thread and get the features back. Same output whatever the number. Each worker
   * adds a V8 heap (tens of MB). Default: from 4 cores on, one per core beyond the first, at
   * most `concurrency - 1`; below 4 cores, 0 (writers/README.md, Performance).
   */
  workers?: number;
  maskThreads?: number;
  /** Annotation pages of one image fetched at the same time. Default: the client's `pageConcurrency`. */
  pageConcurrency?: number;
  /**
   * Continue an interrupted export in `out`: images the manifest records as complete are
   * skipped, leftover temporary files removed; the result is identical to an uninterrupted run.
   * Refused when `out` was written with another fingerprint (host, project, filters, options),
   * naming every difference. Default false: an export with the same fingerprint in `out` starts
   * over (its files removed first); one with another fingerprint is refused unless `overwrite`.
   */
  resume?: boolean;
  /**
   * Replace the export the folder holds (default false): remove the files its manifest.json
   * records (and its working state), then export. Never removes files cytorx did not write.
   */
  overwrite?: boolean;
  /** Export only shard I of N of the images (`"I/N"` or `{ index, count }`; see `shardOf`). */
  shard?: string | Shard;
  /** Cancels the export (writers discard incomplete files; completed images stay recorded). */
  signal?: AbortSignal;
  /**
   * After the `done` event, error with the first writer failure if any. Default true. With
   * false the stream completes and failures are in `done.summary.errors`.
   */
  errorOnFailure?: boolean;
}

/** What one writer did over the whole export (report.json `writers`). */
export interface ExportWriterReport {
  writer: string;
  /** Files written by the writer over the whole export (resumed parts included). */
  files: number;
  /** Files published when the writer closed (e.g. `coco/annotations.json`), sorted. */
  outputs: string[];
  /** True when a hook of the writer failed. */
  failed: boolean;
  /** The failures' messages. */
  errors: string[];
}

/** The result of an export (also the `done` event's payload). */
export interface ExportSummary {
  /** Absolute output directory. */
  out: string;
  /** Absolute path of report.json. */
  report: string;
  /** Absolute path of manifest.json. */
  manifest: string;
  /** True when every selected image was exported and no writer failed. */
  complete: boolean;
  images: {
    /** Images selected (filters and shard applied). */
    selected: number;
    /** Images exported by this run. */
    exported: number;
    /** Images already complete from an earlier run (`resume`). */
    resumed: number;
  };
  /** Annotations received from the server (all complete images). */
  annotations: number;
  /** Features handed to the writers (after skips; multi-term duplicates counted). */
  features: number;
  /** Annotations skipped with a reason (see report.json `skipped`). */
  skipped: number;
  /** Warnings of every kind. */
  warnings: number;
  /** Mask pixels claimed by more than one class. */
  contestedPixels: number;
  /** Files written (all writers). */
  files: number;
  writers: ExportWriterReport[];
  /** Writer failures and other errors, as messages. */
  errors: string[];
}

/**
 * Progress of `exportProject`, in order: `start`, then per image `image-start`,
 * `annotations`, `file`/`warning` events, `image-done`; `writer-failed` when a writer fails;
 * `done` last.
 */
export type ExportEvent =
  | {
      type: 'start';
      project: { id: number; name: string };
      out: string;
      formats: string[];
      /** Images selected (filters and shard applied). */
      images: number;
      /** Images this run will export (`images` minus those already complete). */
      todo: number;
      /** Images already complete (resume). */
      resumed: number;
      /** Annotations of the already complete images. */
      resumedAnnotations: number;
    }
  | { type: 'image-start'; imageId: number }
  /** The image's annotations were received (after the server-side filters). */
  | { type: 'annotations'; imageId: number; count: number }
  /** A writer published a file (relative to the output directory). */
  | { type: 'file'; writer: string; path: string; imageId?: number }
  | { type: 'warning'; warning: PipelineWarning }
  | {
      type: 'image-done';
      imageId: number;
      annotations: number;
      features: number;
      skipped: number;
      /** Images complete so far (resumed ones included) and the total. */
      done: number;
      total: number;
      /** The thread that made the image's files: 0 = the calling thread, else a worker's `threadId`. */
      thread: number;
    }
  | { type: 'writer-failed'; writer: string; message: string }
  | { type: 'done'; summary: ExportSummary };
