import { threadId } from 'node:worker_threads';
import {
  type Annotation,
  type Canvas,
  type Feature,
  type ImageBatch,
  type ImageInstance,
  type MultiTermPolicy,
  type PipelineWarning,
  parseClassMapping,
  type Term,
  type TileOptions,
} from '@cytorx/core';
import { concat, EMPTY, from, lastValueFrom, type Observable, toArray } from 'rxjs';
import { cocoWriter } from '../coco/coco-writer.js';
import type { CocoSegmentationMode } from '../coco/segmentation.js';
import { createOutputDir, type OutputDir } from '../fs/output-dir.js';
import type { GeojsonFlavor } from '../geojson/feature-json.js';
import { geojsonWriter } from '../geojson/geojson-writer.js';
import type { OverlapPolicy } from '../mask/composite.js';
import { maskWriter } from '../mask/mask-writer.js';
import { omeZarrWriter } from '../ome-zarr/ome-zarr-writer.js';
import { writeTo } from '../write-to.js';
import type { Writer, WriterContext } from '../writer.js';
import { type ErrorData, errorData } from './error-data.js';
import type { ExportFormat } from './export-types.js';
import { imageBatches, toImageFeatures } from './image-features.js';
import { COCO_PARTS, STATE_DIR } from './run-state.js';
import { toCytomineBatch, trackWriter } from './tracked-writer.js';

/**
 * Masks above this many pixels are painted in bands of rows: memory per mask stays at a few
 * megabytes whatever the canvas.
 */
const BAND_PIXELS = 4 * 1024 * 1024;

/** What every image job of one export shares: plain data, so a worker thread gets it as is. @internal */
export interface ImageJobSetup {
  /** Output directory (absolute). */
  root: string;
  /** `classMappingToJson` of the mapping in force. */
  classes: string;
  project: { id: number; name: string; ontologyName?: string };
  terms: Term[];
  multiTerm: MultiTermPolicy;
  tile: TileOptions | undefined;
  /** The built-in file writers and their options. */
  formats: ExportFormat[];
  overlap: OverlapPolicy;
  split: number[] | string | undefined;
  seed: number;
  coords: 'image' | 'cytomine';
  cocoSegmentation: CocoSegmentationMode;
  geojsonFlavor: GeojsonFlavor;
  /** Return each batch's features (writers in the calling thread need them). */
  withFeatures: boolean;
}

/** One image to turn into files (its annotations come as a stream beside it). @internal */
export interface ImageJob {
  image: ImageInstance;
  /** Canvas scale (2^-zoom). */
  factor: number;
  /** Built-in writers not to run (they failed earlier in the run). */
  skip: string[];
}

/** One batch the job wrote: what the writers in the calling thread get. @internal */
export interface JobBatch {
  canvas: Canvas;
  tile?: { col: number; row: number };
  /** Only when the setup asks for them. */
  features?: Feature[];
}

/** What one image job did: plain data (it crosses thread boundaries). @internal */
export interface ImageJobResult {
  imageId: number;
  /** `threadId` of the thread that ran the job (0: the main thread). */
  thread: number;
  features: number;
  /** Features per class id (`-1`: no class). */
  classes: Array<[number, number]>;
  /** Warnings of the operators, then of the writers, in the order they were raised. */
  warnings: PipelineWarning[];
  /** Files each built-in writer committed (relative paths). */
  files: Record<string, string[]>;
  /** Built-in writers that failed on this image: the `WriterError`'s details and its cause. */
  failures: Array<{ writer: string; hook: 'open' | 'write' | 'close'; item?: string; cause: ErrorData }>;
  batches: JobBatch[];
}

/** Runs one image job: see {@link imageJobRunner}. @internal */
export type ImageJobRun = (
  job: ImageJob,
  annotations: Observable<Annotation>,
  signal: AbortSignal,
) => Promise<ImageJobResult>;

/**
 * The image job, the unit of an export: one image's annotations → the feature operators
 * (`toImageFeatures`) → its batches (the image, or its tiles) → `writeTo` with the built-in
 * writers (GeoJSON, mask, COCO part) → the files, warnings and counts (and the features, for
 * writers in the calling thread). The same code runs in the calling thread and in a worker
 * thread (`job-worker.ts`). Aborting `signal` stops reading the annotations and discards
 * the files being written. @internal
 */
export function imageJobRunner(setup: ImageJobSetup): ImageJobRun {
  const mapping = parseClassMapping(JSON.parse(setup.classes), { source: 'classes' });
  // Built once per runner and shared by its jobs (their state between images is only counters;
  // the mask writer keeps its band buffers for the next image).
  const builtins = builtinWriters(setup);
  let out: Promise<OutputDir> | undefined;
  return async (job, annotations, signal) => {
    out ??= createOutputDir(setup.root);
    const { image, factor } = job;
    const warnings: PipelineWarning[] = [];
    const warn = (w: PipelineWarning) => {
      warnings.push(w.imageId === undefined ? { ...w, imageId: image.id } : w);
    };
    const features = await abortable(
      annotations.pipe(
        toImageFeatures(image, factor, { terms: setup.terms, mapping, multiTerm: setup.multiTerm }, warn),
      ),
      signal,
    );
    const classes = new Map<number, number>();
    for (const f of features) classes.set(f.classId ?? -1, (classes.get(f.classId ?? -1) ?? 0) + 1);

    const files: Record<string, string[]> = {};
    const onFile = (writer: string, rel: string) => {
      if (rel.startsWith(`${STATE_DIR}/`)) return;
      // A Zarr image is thousands of chunk files: recorded as its folder.
      const zarr = /^(.*?\.zarr)\//.exec(rel)?.[1];
      const path = zarr ?? rel;
      const list = files[writer] ?? [];
      if (list.at(-1) !== path && !(zarr !== undefined && list.includes(path))) list.push(path);
      files[writer] = list;
    };
    const writers = builtins
      .filter(({ writer }) => !job.skip.includes(writer.name))
      .map(({ writer, inFrame }) => trackWriter(writer, onFile, inFrame ? toCytomineBatch : undefined));
    const ctx: WriterContext = {
      out: await out,
      classes: mapping,
      project: setup.project,
      warn,
      logger: { debug: () => undefined, info: () => undefined },
      signal,
    };
    const { batches, masks } = imageBatches(image, features, factor, setup.tile);
    const write = (source: Iterable<ImageBatch>, to: Writer[]) =>
      to.length === 0
        ? EMPTY
        : from(source).pipe(writeTo({ ctx, errorOnFailure: false, stopWhenAllFailed: false }, ...to));
    // The mask writer gets its own tiles (whole features: tile masks are crops of the image's).
    const [maskers, others] = [
      writers.filter((w) => w.name === 'mask'),
      writers.filter((w) => w.name !== 'mask'),
    ];
    const events = await lastValueFrom(concat(write(batches, others), write(masks, maskers)).pipe(toArray()));
    signal.throwIfAborted();
    const failures = events.flatMap((e) => {
      if (e.type !== 'failed') return [];
      const { writer, hook, item } = e.error;
      return [{ writer, hook, ...(item === undefined ? {} : { item }), cause: errorData(e.error.cause) }];
    });
    return {
      imageId: image.id,
      thread: threadId,
      features: features.length,
      classes: [...classes],
      warnings,
      files,
      failures,
      batches: batches.map((b) => ({
        canvas: b.canvas,
        ...(b.tile === undefined ? {} : { tile: b.tile }),
        ...(setup.withFeatures ? { features: b.features } : {}),
      })),
    };
  };
}

/**
 * The built-in file writers of an export: each image's files depend on that image alone (COCO
 * writes a part per image, assembled when the run finishes), with whether the writer takes
 * `coords: 'cytomine'` output.
 */
function builtinWriters(setup: ImageJobSetup): Array<{ writer: Writer; inFrame: boolean }> {
  const out: Array<{ writer: Writer; inFrame: boolean }> = [];
  const { formats } = setup;
  if (formats.includes('geojson')) {
    const geojson = geojsonWriter({ flavor: setup.geojsonFlavor });
    out.push({ writer: geojson, inFrame: setup.coords === 'cytomine' });
  }
  if (formats.includes('mask')) {
    out.push({ writer: maskWriter({ overlap: setup.overlap, bandThreshold: BAND_PIXELS }), inFrame: false });
  }
  if (formats.includes('ome-zarr'))
    out.push({ writer: omeZarrWriter({ overlap: setup.overlap }), inFrame: false });
  if (formats.includes('coco')) {
    const split = setup.split === undefined ? {} : { split: setup.split, seed: setup.seed };
    const parts = { partsDir: COCO_PARTS, resume: true, assemble: false };
    const segmentation = setup.cocoSegmentation;
    out.push({ writer: cocoWriter({ ...split, ...parts, segmentation }), inFrame: false });
  }
  return out;
}

/** The stream's only value; rejects with `signal`'s reason once it aborts (unsubscribing). */
function abortable<T>(source: Observable<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      subscription.unsubscribe();
      reject(signal.reason);
    };
    const subscription = source.subscribe({
      next: resolve,
      error: (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
      complete: () => signal.removeEventListener('abort', onAbort),
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
