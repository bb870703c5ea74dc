import {
  AbortedError,
  type Annotation,
  type ImageBatch,
  type ImageInstance,
  type PipelineWarning,
  WriterError,
} from '@cytorx/core';
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
  of,
  Subject,
  throwError,
} from 'rxjs';
import { type WriterDoneEvent, type WriterEvent, writeTo } from '../write-to.js';
import type { WriterContext } from '../writer.js';
import { fromErrorData } from './error-data.js';
import type { ExportEvent, ExportSummary } from './export-types.js';
import { assembleCocoFiles, finishExport } from './finish-export.js';
import { imageAnnotations } from './image-features.js';
import type { ImageJob } from './image-job.js';
import { ImageRecord } from './image-record.js';
import type { Done, RunSetup } from './run-setup.js';
import { STATE_DIR } from './run-state.js';
import { trackWriter } from './tracked-writer.js';
import { zoomFor } from './zoom-for.js';

/**
 * One export run, as a pipeline: the images not yet complete → at most `concurrency` image
 * jobs at a time (annotations listed here, features and built-in files made by the job, in this
 * thread or a worker) → the writers of the calling thread (`writeTo`, on the jobs' batches) →
 * each image's record (`.cytorx/images/{id}.json` and the manifest: the image is complete) →
 * finish (COCO assembled from the images' parts, report.json, final manifest). @internal
 */
export class ExportRun {
  private readonly events = new Subject<ExportEvent>();
  /** Images whose batches are being written by the calling thread's writers, in order. */
  private readonly queue: Done[] = [];
  /** Files the calling thread's writers published, per image id (undefined: open/close). */
  private readonly hereFiles = new Map<number | undefined, Array<[string, string]>>();
  private readonly hereWarnings = new Map<number, PipelineWarning[]>();
  private readonly runWarnings: PipelineWarning[] = [];
  private readonly errors = new Map<string, string[]>();
  /** The first writer failure: the run's error under `errorOnFailure`. */
  private firstError: Error | undefined;
  /** Built-in writers that failed: later jobs skip them. */
  private readonly failedBuiltins = new Set<string>();
  /** After any writer failure no later image is recorded complete (a resume redoes them). */
  private failed = false;
  private exported = 0;
  /** The records being written, and whether the run stopped (error, abort): no record after that. */
  private recording: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly todo: ImageInstance[];
  private readonly ctx: WriterContext;

  constructor(private readonly setup: RunSetup) {
    this.todo = setup.images.filter((im) => !setup.state.isComplete(im.id));
    this.ctx = { ...setup.ctx, warn: (w) => this.onHereWarning(w) };
  }

  /** The run's events; completes after report.json and manifest.json are written. */
  run(): Observable<ExportEvent> {
    const { concurrency, state } = this.setup;
    const writers = this.setup.writers.map((w) =>
      trackWriter(w, (writer, rel, imageId) => this.onHereFile(writer, rel, imageId)),
    );
    const work$ = concat(
      defer(() => this.start()),
      from(this.todo).pipe(
        mergeMap((image) => this.job(image), concurrency),
        concatMap((done) => this.batches(done)),
        writeTo({ ctx: this.ctx, errorOnFailure: false, stopWhenAllFailed: false }, ...writers),
        concatMap((e) => this.onWriterEvent(e)),
      ),
    ).pipe(
      // writeTo emits `done` (and the report is written) before a source or abort error; an
      // error before that only needs the manifest to say the run is incomplete.
      catchError((error: unknown) =>
        concat(
          defer(async () => {
            this.stopped = true;
            await this.recording;
            await state.finish('incomplete');
          }).pipe(
            catchError(() => EMPTY),
            ignoreElements(),
          ),
          throwError(() => error),
        ),
      ),
    );
    return merge(
      this.events,
      work$.pipe(
        finalize(() => {
          this.events.complete();
          this.setup.jobs.close().catch(() => undefined); // already closed when the run finished
        }),
      ),
    );
  }

  private async start(): Promise<ExportEvent> {
    const { images, state, ctx } = this.setup;
    let resumedAnnotations = 0;
    for await (const r of state.records()) resumedAnnotations += r.annotations;
    return {
      type: 'start',
      project: this.setup.project,
      out: ctx.out.root,
      formats: [...this.setup.builtins, ...this.setup.writers.map((w) => w.name)],
      images: images.length,
      todo: this.todo.length,
      resumed: images.length - this.todo.length,
      resumedAnnotations,
    };
  }

  /**
   * One image's job; unsubscribing cancels it (its files are discarded). Completes only once
   * the image is recorded, so the images in flight (and their features) stay within `concurrency`.
   */
  private job(image: ImageInstance): Observable<Done> {
    return new Observable<Done>((subscriber) => {
      const record = new ImageRecord(image, 2 ** -zoomFor(image.width, image.height, this.setup.zoom));
      this.events.next({ type: 'image-start', imageId: image.id });
      const annotations = imageAnnotations(image, this.setup.listing).pipe(
        map((a: Annotation) => {
          record.annotations++;
          return a;
        }),
      );
      const job: ImageJob = { image, factor: record.scale, skip: [...this.failedBuiltins] };
      const controller = new AbortController();
      const release = () => subscriber.complete();
      this.setup.jobs.run(job, annotations, controller.signal).then(
        (result) => subscriber.next({ image, record, result, left: result.batches.length, release }),
        (e: unknown) => subscriber.error(e),
      );
      return () => controller.abort(new AbortedError(`export of image ${image.id} cancelled`));
    });
  }

  /** The job's outcome into events and its record; then its batches for the calling thread's writers. */
  private batches(done: Done): Observable<ImageBatch> {
    const { image, record, result } = done;
    record.setFeatures(result.features, result.classes);
    for (const w of result.warnings) {
      record.warn(w);
      this.events.next({ type: 'warning', warning: w });
    }
    this.events.next({ type: 'annotations', imageId: image.id, count: record.annotations });
    for (const [writer, files] of Object.entries(result.files)) {
      for (const rel of files) {
        record.addFile(writer, rel);
        this.events.next({ type: 'file', writer, path: rel, imageId: image.id });
      }
    }
    for (const f of result.failures) {
      const { writer, hook, item } = f;
      // Jobs started before the writer's first failure fail it again: it is reported once.
      if (this.failedBuiltins.has(writer)) continue;
      const details = item === undefined ? { writer, hook } : { writer, hook, item };
      this.onFailure(new WriterError(details, { cause: fromErrorData(f.cause) }), true);
    }
    record.batches = result.batches.length;
    if (done.left === 0) return defer(() => this.record(done)).pipe(ignoreElements());
    this.queue.push(done);
    return from(result.batches).pipe(
      map((b): ImageBatch => {
        const batch: ImageBatch = { image, canvas: b.canvas, features: b.features ?? [] };
        if (b.tile !== undefined) batch.tile = b.tile;
        return batch;
      }),
    );
  }

  private onWriterEvent(e: WriterEvent): Observable<ExportEvent> {
    if (e.type === 'failed') this.onFailure(e.error, false);
    if (e.type === 'done') {
      return defer(() => this.finish(e)).pipe(
        mergeMap((summary) => {
          const done = of<ExportEvent>({ type: 'done', summary });
          const error = this.firstError;
          return error !== undefined && this.setup.errorOnFailure
            ? concat(
                done,
                throwError(() => error),
              )
            : done;
        }),
      );
    }
    if (e.type !== 'batch') return EMPTY;
    const head = this.queue[0];
    if (head === undefined || --head.left > 0) return EMPTY;
    this.queue.shift();
    return defer(() => this.record(head)).pipe(ignoreElements());
  }

  /** Records a complete image (unless a writer failed in the run, or it stopped). */
  private record(done: Done): Promise<void> {
    this.recording = this.recording.then(() => this.recordNow(done));
    return this.recording;
  }

  private async recordNow(done: Done): Promise<void> {
    const { image, record } = done;
    for (const [writer, rel] of this.hereFiles.get(image.id) ?? []) record.addFile(writer, rel);
    for (const w of this.hereWarnings.get(image.id) ?? []) record.warn(w);
    this.hereFiles.delete(image.id);
    this.hereWarnings.delete(image.id);
    if (this.failed || this.stopped) return done.release();
    const data = record.toJSON();
    await this.setup.state.markComplete(data);
    this.exported++;
    this.events.next({
      type: 'image-done',
      imageId: image.id,
      annotations: data.annotations,
      features: data.features,
      skipped: data.warnings.filter((w) => w.skipped).length,
      done: this.setup.images.length - this.todo.length + this.exported,
      total: this.setup.images.length,
      thread: done.result.thread,
    });
    done.release();
  }

  private onFailure(error: WriterError, builtin: boolean): void {
    const { writer, message } = error;
    this.failed = true;
    this.firstError ??= error;
    if (builtin) this.failedBuiltins.add(writer);
    this.errors.set(writer, [...(this.errors.get(writer) ?? []), message]);
    this.events.next({ type: 'writer-failed', writer, message });
  }

  private onHereFile(writer: string, rel: string, imageId: number | undefined): void {
    if (rel.startsWith(`${STATE_DIR}/`)) return;
    const list = this.hereFiles.get(imageId) ?? [];
    list.push([writer, rel]);
    this.hereFiles.set(imageId, list);
    this.events.next(
      imageId === undefined
        ? { type: 'file', writer, path: rel }
        : { type: 'file', writer, path: rel, imageId },
    );
  }

  private onHereWarning(w: PipelineWarning): void {
    this.events.next({ type: 'warning', warning: w });
    if (w.imageId === undefined) this.runWarnings.push(w);
    else this.hereWarnings.set(w.imageId, [...(this.hereWarnings.get(w.imageId) ?? []), w]);
  }

  /** COCO assembly, report.json and the final manifest (`finishExport`): the run's summary. */
  private async finish(e: WriterDoneEvent): Promise<ExportSummary> {
    const { state, ctx, images, coco } = this.setup;
    await this.setup.jobs.close();
    const outputs = new Map<string, string[]>();
    for (const [writer, rel] of this.hereFiles.get(undefined) ?? []) {
      outputs.set(writer, [...(outputs.get(writer) ?? []), rel]);
    }
    const cocoFailure = await assembleCocoFiles(ctx, coco, this.failedBuiltins.has('coco'), outputs);
    if (cocoFailure !== undefined) this.onFailure(cocoFailure, true);
    return finishExport({
      ctx,
      state,
      project: this.setup.project,
      options: this.setup.options,
      complete: e.complete && !this.failed && state.completeCount === images.length,
      writers: [...this.setup.builtins, ...e.summaries.map((s) => s.writer)],
      outputs,
      errors: this.errors,
      runWarnings: this.runWarnings,
      images: { selected: images.length, exported: this.exported, resumed: images.length - this.todo.length },
    });
  }
}
