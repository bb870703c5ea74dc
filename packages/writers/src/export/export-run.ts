import type { Annotation, ImageBatch, ImageInstance, PipelineWarning, TileOptions } from '@cytorx/core';
import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  finalize,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  Observable,
  Subject,
  tap,
  throwError,
} from 'rxjs';
import type { WriterEvent } from '../write-to.js';
import { writeTo } from '../write-to.js';
import type { Writer, WriterContext } from '../writer.js';
import type { ExportEvent, ExportSummary } from './export-types.js';
import { forFeatures, type ImagePipelineOptions, imageAnnotations } from './image-features.js';
import { fromErrorData, type ImageJob, type ImageJobResult, type JobBatch } from './image-job.js';
import type { ImagePool } from './image-pool.js';
import { ImageRecord } from './image-record.js';
import { writeReport } from './report.js';
import { MANIFEST, type RunState, STATE_DIR } from './run-state.js';
import { zoomFor } from './zoom-for.js';

/** An image between its first request and its record. */
interface Slot {
  record: ImageRecord;
  /** Batches handed to the writers, and batches every writer finished. */
  emitted: number;
  written: number;
  allEmitted: boolean;
  settled: boolean;
  settle?: { resolve: () => void; reject: (e: unknown) => void };
  /** The thread that ran the image's job. */
  thread?: number;
}

/** Everything an export run needs, resolved against the server. @internal */
export interface RunSetup {
  project: { id: number; name: string };
  /** The options that shape the output (manifest and report). */
  options: Record<string, unknown>;
  images: ImageInstance[];
  state: RunState;
  ctx: WriterContext;
  /** Built before the run; they report files through {@link ExportRun.onFile}. */
  writers: (run: ExportRun) => Writer[];
  /** How annotations are listed (features are made by the jobs). */
  pipeline: ImagePipelineOptions;
  /** Where image jobs run; closed when the run ends. */
  jobs: ImagePool;
  zoom: { zoom?: number; maxSize?: number };
  tile: TileOptions | undefined;
  concurrency: number;
  errorOnFailure: boolean;
  formats: string[];
}

/**
 * One export run: feeds the images (at most `concurrency` between their first request and
 * their record, so memory is bounded by the images in flight, not the project) into
 * `writeTo`, records each image once every writer finished all its batches, and finally
 * writes report.json and manifest.json. @internal
 */
export class ExportRun {
  readonly events = new Subject<ExportEvent>();
  private readonly active = new Map<number, Slot>();
  private readonly runFiles = new Map<string, string[]>();
  private readonly runWarnings: PipelineWarning[] = [];
  private readonly errors = new Map<string, string[]>();
  private failed = false;
  private exported = 0;
  /** The report and manifest being written after writeTo's `done` (awaited before an error propagates). */
  private finishing: Promise<ExportSummary> | undefined;
  private resumed = 0;
  /** What each image job did per batch, for the built-in writers' proxies. */
  private readonly outcomes = new WeakMap<ImageBatch, JobBatch['outcomes']>();
  /** Built-in writers that failed: later jobs skip them. */
  private readonly failedWriters = new Set<string>();

  constructor(private readonly setup: RunSetup) {}

  /** Warnings from the operators and the writers, routed to their image's record. */
  onWarning(w: PipelineWarning): void {
    this.events.next({ type: 'warning', warning: w });
    const slot = w.imageId === undefined ? undefined : this.active.get(w.imageId);
    if (slot) slot.record.warn(w);
    else this.runWarnings.push(w);
  }

  /** Files published by the writers (see `trackWriter`). */
  onFile(writer: string, rel: string, imageId: number | undefined): void {
    if (rel.startsWith(`${STATE_DIR}/`)) return;
    const slot = imageId === undefined ? undefined : this.active.get(imageId);
    if (slot) slot.record.addFile(writer, rel);
    else this.runFiles.set(writer, [...(this.runFiles.get(writer) ?? []), rel]);
    this.events.next(
      imageId === undefined
        ? { type: 'file', writer, path: rel }
        : { type: 'file', writer, path: rel, imageId },
    );
  }

  /** The run's events; completes after report.json and manifest.json are written. */
  run(): Observable<ExportEvent> {
    return defer(() => {
      const { images, state, ctx, concurrency } = this.setup;
      const todo = images.filter((im) => !state.isComplete(im.id));
      this.resumed = images.length - todo.length;
      const writers = this.setup.writers(this);
      const work$ = from(this.start(todo.length)).pipe(
        mergeMap(() =>
          from(todo).pipe(
            mergeMap((image) => this.image(image), concurrency),
            writeTo({ ctx, errorOnFailure: false }, ...writers),
            concatMap((e) => this.onWriterEvent(e)),
          ),
        ),
        // writeTo emits `done` (and so the report is written) before a source or abort error;
        // an error before that only needs the manifest to say the run is incomplete.
        catchError((error: unknown) =>
          concat(
            defer(() => this.finishing ?? state.finish('incomplete')).pipe(
              catchError(() => EMPTY), // the original error matters more
              ignoreElements(),
            ),
            throwError(() => error),
          ),
        ),
        finalize(() => {
          this.setup.jobs.close().catch(() => {});
          this.events.complete();
        }),
      );
      return merge(this.events, work$);
    });
  }

  private async start(todo: number): Promise<void> {
    let resumedAnnotations = 0;
    for await (const r of this.setup.state.records()) resumedAnnotations += r.annotations;
    this.events.next({
      type: 'start',
      project: this.setup.project,
      out: this.setup.ctx.out.root,
      formats: this.setup.formats,
      images: this.setup.images.length,
      todo,
      resumed: this.setup.images.length - todo,
      resumedAnnotations,
    });
  }

  /**
   * One image: its annotations (listed here), then its job (features and the built-in
   * writers' files, in a worker thread or here), then its batches for `writeTo`, and waits
   * until they are written and recorded.
   */
  private image(image: ImageInstance): Observable<ImageBatch> {
    return defer(() => {
      const factor = 2 ** -zoomFor(image.width, image.height, this.setup.zoom);
      const record = new ImageRecord(image, factor);
      const slot: Slot = { record, emitted: 0, written: 0, allEmitted: false, settled: false };
      this.active.set(image.id, slot);
      this.events.next({ type: 'image-start', imageId: image.id });
      const annotations = imageAnnotations(image, this.setup.pipeline).pipe(
        map((a) => {
          record.annotations++;
          return forFeatures(a);
        }),
      );
      const job = { image, factor, skip: [...this.failedWriters] };
      return jobResult(this.setup.jobs, job, annotations).pipe(
        mergeMap((result) => {
          slot.thread = result.thread;
          record.setFeatures(result.features, result.classes);
          for (const w of result.warnings) this.onWarning(w);
          this.events.next({ type: 'annotations', imageId: image.id, count: record.annotations });
          const batches = result.batches.map((b) => {
            const batch: ImageBatch = { image, canvas: b.canvas, features: b.features ?? [] };
            if (b.tile !== undefined) batch.tile = b.tile;
            this.outcomes.set(batch, b.outcomes);
            return batch;
          });
          return concat(
            from(batches).pipe(
              tap(() => {
                slot.emitted++;
                record.batches++;
              }),
            ),
            defer(() => {
              slot.allEmitted = true;
              return new Promise<void>((resolve, reject) => {
                slot.settle = { resolve, reject };
                this.check(image.id, slot);
              });
            }).pipe(ignoreElements()),
          );
        }),
      );
    });
  }

  /**
   * A built-in writer as `writeTo` sees it: `open` and `close` are the writer's own (COCO
   * assembles its parts there), `write` reports what the image job did with that batch: the
   * files it committed, or its error.
   */
  jobWriter(writer: Writer): Writer {
    const { name } = writer;
    const proxy: Writer = {
      name,
      write: (batch) => {
        const outcome = this.outcomes.get(batch)?.[name];
        if (outcome === undefined) throw new Error(`${name}: image ${batch.image.id} was not processed`);
        if ('error' in outcome) {
          this.failedWriters.add(name);
          throw fromErrorData(outcome.error);
        }
        for (const rel of outcome.files) this.onFile(name, rel, batch.image.id);
      },
      close: (ctx) => writer.close(ctx),
    };
    if (writer.open !== undefined) {
      const open = writer.open.bind(writer);
      proxy.open = (ctx) => open(ctx);
    }
    return proxy;
  }

  /** Records the image once all its batches are written by every writer. */
  private check(imageId: number, slot: Slot): void {
    if (!slot.allEmitted || slot.written < slot.emitted || slot.settled || slot.settle === undefined) return;
    slot.settled = true;
    const { resolve, reject } = slot.settle;
    this.record(imageId, slot).then(resolve, reject);
  }

  private async record(imageId: number, slot: Slot): Promise<void> {
    // After a writer failure no later image is complete: a resume redoes them with every writer.
    if (!this.failed) {
      const data = slot.record.toJSON();
      await this.setup.state.markComplete(data);
      this.exported++;
      this.events.next({
        type: 'image-done',
        imageId,
        annotations: data.annotations,
        features: data.features,
        skipped: data.warnings.filter((w) => w.skipped).length,
        done: this.resumed + this.exported,
        total: this.setup.images.length,
        thread: slot.thread ?? 0,
      });
    }
    this.active.delete(imageId);
  }

  private onWriterEvent(e: WriterEvent): Observable<never> {
    switch (e.type) {
      case 'batch': {
        const slot = this.active.get(e.imageId);
        if (slot) {
          slot.written++;
          this.check(e.imageId, slot);
        }
        return EMPTY;
      }
      case 'failed':
        this.failed = true;
        this.errors.set(e.writer, [...(this.errors.get(e.writer) ?? []), e.error.message]);
        this.events.next({ type: 'writer-failed', writer: e.writer, message: e.error.message });
        return EMPTY;
      case 'done':
        return defer(() =>
          this.finish(
            e.complete && !this.failed,
            e.summaries.map((s) => s.writer),
          ),
        ).pipe(
          mergeMap((summary) => {
            this.events.next({ type: 'done', summary });
            const first = e.errors[0];
            return first !== undefined && this.setup.errorOnFailure ? throwError(() => first) : EMPTY;
          }),
        );
      default:
        return EMPTY;
    }
  }

  private async finish(writersComplete: boolean, writerNames: string[]): Promise<ExportSummary> {
    const { state, ctx, images } = this.setup;
    const complete = writersComplete && state.completeCount === images.length;
    const { totals, writers } = await writeReport(ctx.out, () => state.records(), {
      project: this.setup.project,
      options: this.setup.options,
      classes: ctx.classes,
      complete,
      writers: writerNames.map((w) => ({
        writer: w,
        outputs: this.runFiles.get(w) ?? [],
        errors: this.errors.get(w) ?? [],
      })),
      runWarnings: this.runWarnings,
    });
    await state.finish(complete ? 'complete' : 'incomplete');
    return {
      out: ctx.out.root,
      report: ctx.out.resolve('report.json'),
      manifest: ctx.out.resolve(MANIFEST),
      complete,
      images: { selected: images.length, exported: this.exported, resumed: this.resumed },
      annotations: totals.annotations,
      features: totals.features,
      skipped: totals.skipped,
      warnings: totals.warnings,
      contestedPixels: totals.contestedPixels,
      files: totals.files,
      writers,
      errors: writers.flatMap((w) => w.errors.map((m) => `${w.writer}: ${m}`)),
    };
  }
}

/** The job's result; unsubscribing before it comes cancels the job (its files are discarded). */
function jobResult(
  jobs: ImagePool,
  job: ImageJob,
  annotations: Observable<Annotation>,
): Observable<ImageJobResult> {
  return new Observable<ImageJobResult>((subscriber) => {
    const controller = new AbortController();
    jobs.run(job, annotations, controller.signal).then(
      (result) => {
        subscriber.next(result);
        subscriber.complete();
      },
      (e: unknown) => subscriber.error(e),
    );
    return () => controller.abort();
  });
}
