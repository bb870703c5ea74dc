import { threadId } from 'node:worker_threads';
import {
  type Annotation,
  type Canvas,
  type ClassMapping,
  CytorxError,
  type CytorxErrorCode,
  type Feature,
  type ImageBatch,
  type ImageInstance,
  type MultiTermPolicy,
  type PipelineWarning,
  parseClassMapping,
  type Term,
  type TileOptions,
  type WarningSink,
} from '@cytorx/core';
import type { Observable } from 'rxjs';
import { cocoWriter } from '../coco/coco-writer.js';
import { createOutputDir, type OutputDir } from '../fs/output-dir.js';
import { geojsonWriter } from '../geojson/geojson-writer.js';
import type { OverlapPolicy } from '../mask/composite.js';
import { maskWriter } from '../mask/mask-writer.js';
import type { Writer, WriterContext } from '../writer.js';
import type { ExportFormat } from './export-types.js';
import { imageBatches, toImageFeatures } from './image-features.js';
import { STATE_DIR } from './run-state.js';
import { toCytomineBatch, trackWriter } from './tracked-writer.js';

/**
 * Masks above this many pixels are painted in bands of rows: memory per mask stays at a few
 * megabytes whatever the canvas (the mask writer's own default, 64 Mpx, suits one-off use).
 */
const BAND_PIXELS = 4 * 1024 * 1024;

/** The built-in file writers of an export and their options: plain data (sent to workers). @internal */
export interface BuiltinSpec {
  formats: ExportFormat[];
  overlap: OverlapPolicy;
  split: number[] | string | undefined;
  seed: number;
  coords: 'image' | 'cytomine';
}

/**
 * The built-in file writers of `spec` (geojson, mask, coco: each image's files depend on that
 * image alone; COCO writes per-image parts assembled by its `close`), with whether the writer
 * takes `coords: 'cytomine'` output. Built the same way wherever images are processed. @internal
 */
export function builtinWriters(
  spec: BuiltinSpec,
  maskThreads: number,
): Array<{ writer: Writer; inFrame: boolean }> {
  const out: Array<{ writer: Writer; inFrame: boolean }> = [];
  if (spec.formats.includes('geojson')) out.push({ writer: geojsonWriter(), inFrame: true });
  if (spec.formats.includes('mask')) {
    const mask = maskWriter({ overlap: spec.overlap, bandThreshold: BAND_PIXELS, threads: maskThreads });
    out.push({ writer: mask, inFrame: false });
  }
  if (spec.formats.includes('coco')) {
    const split = spec.split === undefined ? {} : { split: spec.split, seed: spec.seed };
    const parts = { partsDir: `${STATE_DIR}/coco`, resume: true, keepParts: true };
    out.push({ writer: cocoWriter({ ...split, ...parts }), inFrame: false });
  }
  return out;
}

/** What every image job of a run shares: plain data (structured-cloned to workers). @internal */
export interface ImageJobSetup {
  /** Output directory (absolute). */
  root: string;
  /** `classMappingToJson` of the mapping in force. */
  classes: string;
  project: { id: number; name: string; ontologyName?: string };
  terms: Term[];
  multiTerm: MultiTermPolicy;
  tile: TileOptions | undefined;
  spec: BuiltinSpec;
  /** Send each batch's features back (writers outside the job need them). */
  needFeatures: boolean;
}

/** One image to turn into features and files (its annotations come separately). @internal */
export interface ImageJob {
  image: ImageInstance;
  /** Canvas scale (2^-zoom). */
  factor: number;
  /** Built-in writers not to run (they failed earlier in the run). */
  skip: string[];
}

/** An error as it crosses a thread boundary. @internal */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
}

/** One batch of a finished job: what the writers outside the job receive, and each built-in writer's outcome. */
export interface JobBatch {
  canvas: Canvas;
  tile?: { col: number; row: number };
  /** Only when the setup asked for them. */
  features?: Feature[];
  /** Per built-in writer: the files it committed for this batch, or its error. */
  outcomes: Record<string, { files: string[] } | { error: ErrorData }>;
}

/** The result of one image job. @internal */
export interface ImageJobResult {
  /** `threadId` of the thread that ran the job (0: the main thread). */
  thread: number;
  features: number;
  /** Features per class id (`-1`: no class). */
  classes: Array<[number, number]>;
  /** Warnings of the pipeline, then of the writers, in the order they were raised. */
  warnings: PipelineWarning[];
  batches: JobBatch[];
}

/**
 * Runs image jobs: the feature pipeline and the built-in file writers of one image, the same
 * code whether it runs in the export's thread or in a worker thread (`image-worker.ts`). The
 * writers are built once and reused from image to image; their `close` is not called here
 * (COCO parts are assembled by the export's own coco writer). @internal
 */
export class ImageJobRunner {
  /** The built-in writers, each wrapped once to report its files into {@link files}. */
  private readonly writers: Writer[];
  /** Files committed by the writer being run (set before each `write`). */
  private files: string[] = [];

  private constructor(
    private readonly setup: ImageJobSetup,
    private readonly out: OutputDir,
    private readonly mapping: ClassMapping,
    builtins: Array<{ writer: Writer; inFrame: boolean }>,
  ) {
    const toCytomine = setup.spec.coords === 'cytomine' ? toCytomineBatch : undefined;
    const onFile = (_writer: string, rel: string) => {
      if (!rel.startsWith(`${STATE_DIR}/`)) this.files.push(rel);
    };
    this.writers = builtins.map(({ writer, inFrame }) =>
      trackWriter(writer, onFile, inFrame ? toCytomine : undefined),
    );
  }

  /** @param maskThreads - the mask writer's own painting threads (0 in a worker). */
  static async create(setup: ImageJobSetup, maskThreads = 0): Promise<ImageJobRunner> {
    const out = await createOutputDir(setup.root);
    const mapping = parseClassMapping(JSON.parse(setup.classes), { source: 'classes' });
    return new ImageJobRunner(setup, out, mapping, builtinWriters(setup.spec, maskThreads));
  }

  private context(warn: WarningSink, signal: AbortSignal): WriterContext {
    return {
      out: this.out,
      classes: this.mapping,
      project: this.setup.project,
      warn,
      logger: { debug: () => undefined, info: () => undefined },
      signal,
    };
  }

  /**
   * Runs one job on the image's annotations (see `forFeatures`), processed as they arrive;
   * writers see `signal` (aborted: the annotations are no longer read, files are discarded).
   */
  async run(
    job: ImageJob,
    annotations: Observable<Annotation>,
    signal: AbortSignal,
  ): Promise<ImageJobResult> {
    const { setup } = this;
    const { image, factor } = job;
    const { mapping } = this;
    const warnings: PipelineWarning[] = [];
    const warn = (w: PipelineWarning) => {
      warnings.push(w.imageId === undefined ? { ...w, imageId: image.id } : w);
    };
    const features = await new Promise<Feature[]>((resolve, reject) => {
      const onAbort = () => {
        subscription.unsubscribe();
        reject(signal.reason);
      };
      const subscription = annotations
        .pipe(
          toImageFeatures(image, factor, { terms: setup.terms, mapping, multiTerm: setup.multiTerm }, warn),
        )
        .subscribe({
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
    const classes = new Map<number, number>();
    for (const f of features) {
      const id = f.classId ?? -1;
      classes.set(id, (classes.get(id) ?? 0) + 1);
    }
    const failed = new Set(job.skip);
    const ctx = this.context(warn, signal);
    const batches: JobBatch[] = [];
    for (const batch of imageBatches(image, features, factor, setup.tile)) {
      const outcomes: JobBatch['outcomes'] = {};
      for (const writer of this.writers) {
        if (failed.has(writer.name)) continue;
        const files: string[] = [];
        this.files = files;
        try {
          signal.throwIfAborted();
          await writer.write(batch, ctx);
          outcomes[writer.name] = { files };
        } catch (e) {
          if (signal.aborted) throw e;
          failed.add(writer.name);
          outcomes[writer.name] = { error: errorData(e) };
        }
      }
      batches.push(describe(batch, outcomes, setup.needFeatures));
    }
    return { thread: threadId, features: features.length, classes: [...classes], warnings, batches };
  }

  /**
   * Releases the writers' resources (the mask writer's threads). They are closed as cancelled:
   * nothing is published (the export's own writers publish), COCO parts are kept.
   */
  async close(): Promise<void> {
    const ctx = this.context(() => undefined, AbortSignal.abort());
    for (const writer of this.writers) await writer.close(ctx);
  }
}

function describe(batch: ImageBatch, outcomes: JobBatch['outcomes'], withFeatures: boolean): JobBatch {
  const b: JobBatch = { canvas: batch.canvas, outcomes };
  if (batch.tile !== undefined) b.tile = batch.tile;
  if (withFeatures) b.features = batch.features;
  return b;
}

/** The parts of an error that survive a thread boundary. @internal */
export function errorData(e: unknown): ErrorData {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** An error rebuilt from {@link ErrorData}: a `CytorxError` with its code when it was one. @internal */
export function fromErrorData(d: ErrorData): Error {
  const error = d.code?.startsWith('CYTORX_')
    ? new CytorxError(d.code as CytorxErrorCode, d.message)
    : Object.assign(new Error(d.message), d.code === undefined ? {} : { code: d.code });
  error.name = d.name;
  return error;
}
