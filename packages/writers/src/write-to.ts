import { AbortedError, type ImageBatch, WriterError } from '@cytorx/core';
import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  finalize,
  from,
  fromEvent,
  mergeMap,
  type Observable,
  type OperatorFunction,
  of,
  takeUntil,
  throwError,
} from 'rxjs';
import { batchKey } from './batch-key.js';
import { assertWriter } from './define-writer.js';
import type { Writer, WriterContext, WriterSummary } from './writer.js';

/** Progress and results of {@link writeTo}, in the order they happen. */
export type WriterEvent =
  /** Every writer's `open` has run (failed ones are reported by `failed` events before this). */
  | { type: 'opened'; writers: string[] }
  /** One writer finished one batch. */
  | { type: 'written'; writer: string; item: string; imageId: number; features: number }
  /** Every active writer finished batch number `index` (0-based). */
  | { type: 'batch'; index: number; item: string; imageId: number; features: number }
  /** A writer hook failed; the writer is disabled for the rest of the run. */
  | { type: 'failed'; writer: string; error: WriterError }
  /** Always last (unless unsubscribed): every writer's summary, in writer order. */
  | WriterDoneEvent;

/** The last event of {@link writeTo}. */
export interface WriterDoneEvent {
  type: 'done';
  summaries: WriterSummary[];
  /** Every hook failure, in the order they happened. */
  errors: WriterError[];
  /** Batches processed. */
  batches: number;
  /** True when the source completed, nothing was cancelled and no writer failed. */
  complete: boolean;
}

/** Options of {@link writeTo}. */
export interface WriteToOptions {
  ctx: WriterContext;
  /**
   * On the first hook failure, stop: take no more batches, cancel every writer (their `close`
   * sees an aborted `ctx.signal` and discards incomplete files) and error. Default `false`:
   * only the failing writer is disabled; the others process every batch and complete.
   */
  failFast?: boolean;
  /**
   * After the `done` event, error with the first {@link WriterError} if any writer failed.
   * Default `true`. With `false` the stream completes and failures are only in the events.
   */
  errorOnFailure?: boolean;
  /**
   * Stop taking batches once every writer has failed. Default `true`. With `false` the source
   * is consumed to its end all the same (`batch` events still come), e.g. when the batches
   * matter beyond these writers.
   */
  stopWhenAllFailed?: boolean;
}

interface Slot {
  writer: Writer;
  ctx: WriterContext;
  controller: AbortController;
  disabled: boolean;
}

/**
 * Drives any set of writers from one stream of {@link ImageBatch}es and emits
 * {@link WriterEvent}s.
 *
 * - On subscribe, every writer's `open` runs (concurrently); the source is subscribed only after
 *   all of them finished (a hot source's earlier emissions are not seen).
 * - Every writer sees every batch once, in order. The writers of one batch run concurrently and
 *   are all awaited before the next batch is processed (`concatMap`: backpressure). RxJS is
 *   push-based: batches a source emits meanwhile are queued, so bound what is in flight
 *   upstream (a lazy source, or `mergeMap(fetchImage, n)` over image ids).
 * - A hook that throws or rejects becomes a `WriterError` (`CYTORX_WRITER`) naming the writer,
 *   the hook and the item (`batchKey`: image id, or `image/x_y` for a tile). That writer is
 *   disabled (its `ctx.signal` aborts) and reported in a `failed` event; the others continue
 *   (see `failFast`). When no writer is left, the run stops.
 * - `close` runs for every writer, exactly once: after the last batch, after a source error,
 *   after a failure, on abort of `ctx.signal`, and on unsubscribe (then in the background,
 *   with close failures reported to `ctx.warn`). Each writer gets its own `ctx` whose `signal`
 *   is aborted when its output is to be discarded (cancellation, source error, failFast, its
 *   own failure): writers then drop incomplete files instead of committing them.
 * - Last comes a `done` event with the summaries; then the stream completes, or errors with
 *   the source's error, an `AbortedError` (`CYTORX_ABORTED`), or the first `WriterError`.
 *
 * @param target - The writer context, or {@link WriteToOptions} (`{ ctx, failFast, errorOnFailure }`).
 * @param writers - The writers, in the order their events are reported.
 * @throws ConfigError `CYTORX_CONFIG` synchronously if an argument is not a writer.
 * @example
 * ```ts
 * import { cocoWriter, createWriterContext, geojsonWriter, writeTo } from '@cytorx/writers';
 * import { lastValueFrom } from 'rxjs';
 * const ctx = await createWriterContext({ out: './dataset', classes });
 * const done = await lastValueFrom(batches$.pipe(writeTo(ctx, geojsonWriter(), cocoWriter())));
 * ```
 */
export function writeTo(
  target: WriterContext | WriteToOptions,
  ...writers: Writer[]
): OperatorFunction<ImageBatch, WriterEvent> {
  const options: WriteToOptions = 'ctx' in target ? target : { ctx: target };
  const { ctx, failFast = false, errorOnFailure = true, stopWhenAllFailed = true } = options;
  writers.forEach((w, i) => {
    assertWriter(w, `writeTo writer #${i + 1}`);
  });

  return (source) =>
    defer(() => {
      const run = new Run(ctx, writers, stopWhenAllFailed);
      let failure: { error: unknown } | undefined;

      const aborted$ = fromEvent(ctx.signal, 'abort');
      const batches$ = source.pipe(
        takeUntil(aborted$),
        concatMap((batch) =>
          from(run.write(batch)).pipe(
            mergeMap(({ events, fatal }) =>
              fatal === undefined
                ? from(events)
                : concat(
                    from(events),
                    throwError(() => fatal),
                  ),
            ),
          ),
        ),
      );
      const checkAbort$ = defer(() =>
        ctx.signal.aborted ? throwError(() => abortError(ctx.signal)) : EMPTY,
      );
      const work$: Observable<WriterEvent> = concat(
        checkAbort$,
        defer(() => run.open()).pipe(mergeMap((events) => events)),
        batches$,
        checkAbort$,
      );

      const finish$ = defer(() => run.close(failure?.error)).pipe(
        mergeMap((done) => {
          if (failure !== undefined)
            return concat(
              of(done),
              throwError(() => failure!.error),
            );
          if (errorOnFailure && done.errors.length > 0)
            return concat(
              of(done),
              throwError(() => done.errors[0]),
            );
          return of(done);
        }),
      );

      return concat(
        work$.pipe(
          mergeMap((e) =>
            failFast && e.type === 'failed'
              ? concat(
                  of(e),
                  throwError(() => e.error),
                )
              : of(e),
          ),
          // Remember the failure; finish$ closes the writers, emits `done`, then rethrows it.
          catchError((error: unknown) => {
            failure = { error };
            return EMPTY;
          }),
        ),
        finish$,
      ).pipe(finalize(() => run.cancel()));
    });
}

function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof AbortedError ? reason : new AbortedError('writing aborted', { cause: reason });
}

/** Per-subscription state of {@link writeTo}. */
class Run {
  private readonly slots: Slot[];
  private readonly errors: WriterError[] = [];
  private readonly unlink: () => void;
  private inflight: Promise<unknown> = Promise.resolve();
  private closing: Promise<WriterDoneEvent> | undefined;
  private opened = false;
  private batches = 0;

  constructor(
    private readonly ctx: WriterContext,
    writers: Writer[],
    private readonly stopWhenAllFailed: boolean,
  ) {
    this.slots = writers.map((writer) => {
      const controller = new AbortController();
      // Spread keeps any fields added to the context later; only the signal is the writer's own.
      return { writer, controller, ctx: { ...ctx, signal: controller.signal }, disabled: false };
    });
    const onAbort = () => {
      for (const s of this.slots) s.controller.abort(ctx.signal.reason);
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => ctx.signal.removeEventListener('abort', onAbort);
  }

  async open(): Promise<WriterEvent[]> {
    this.opened = true;
    const task = Promise.all(
      this.slots.map((s) => this.call(s, 'open', undefined, () => s.writer.open?.(s.ctx))),
    );
    this.inflight = task;
    const failed = (await task).filter((e) => e !== undefined);
    const events: WriterEvent[] = failed.map((e) => ({ type: 'failed', writer: e.writer, error: e }));
    events.push({ type: 'opened', writers: this.slots.map((s) => s.writer.name) });
    return events;
  }

  async write(batch: ImageBatch): Promise<{ events: WriterEvent[]; fatal?: unknown }> {
    const item = batchKey(batch);
    const index = this.batches++;
    const active = this.slots.filter((s) => !s.disabled);
    const at = { item, imageId: batch.image.id };
    const task = Promise.all(
      active.map((s) => this.call(s, 'write', at, () => s.writer.write(batch, s.ctx))),
    );
    this.inflight = task;
    const results = await task;
    const events: WriterEvent[] = [];
    const base = { item, imageId: batch.image.id, features: batch.features.length };
    results.forEach((error, i) => {
      const name = active[i]!.writer.name;
      events.push(
        error ? { type: 'failed', writer: name, error } : { type: 'written', writer: name, ...base },
      );
    });
    events.push({ type: 'batch', index, ...base });
    if (this.stopWhenAllFailed && this.slots.every((s) => s.disabled))
      return { events, fatal: this.errors[0] };
    return { events };
  }

  /** Closes every writer once; `cancel` (an error) marks the run as not to be committed. */
  close(cancel?: unknown): Promise<WriterDoneEvent> {
    this.closing ??= this.closeAll(cancel);
    return this.closing;
  }

  /** Unsubscribe: close in the background, reporting close failures as warnings. */
  cancel(): void {
    if (this.closing !== undefined) return;
    // Hook failures are already reported to ctx.warn by fail(); this catches only the unexpected.
    this.close(new AbortedError('writing cancelled (unsubscribed)')).catch((e: unknown) => this.warn(e));
  }

  private async closeAll(cancel: unknown): Promise<WriterDoneEvent> {
    await this.inflight.catch(() => undefined);
    this.unlink();
    if (cancel !== undefined) for (const s of this.slots) s.controller.abort(cancel);
    const summaries = this.opened
      ? await Promise.all(this.slots.map((s) => this.closeOne(s)))
      : this.slots.map((s) => emptySummary(s.writer.name));
    return {
      type: 'done',
      summaries,
      errors: [...this.errors],
      batches: this.batches,
      complete: cancel === undefined && this.errors.length === 0,
    };
  }

  private async closeOne(s: Slot): Promise<WriterSummary> {
    let summary: WriterSummary | undefined;
    const error = await this.call(s, 'close', undefined, async () => {
      summary = await s.writer.close(s.ctx);
    });
    if (error !== undefined || !isSummary(summary)) {
      if (error === undefined) {
        this.fail(s, 'close', undefined, new TypeError('close() did not return a WriterSummary'));
      }
      return emptySummary(s.writer.name);
    }
    return summary;
  }

  /** Runs one hook; returns the WriterError it caused, if any. */
  private async call(
    s: Slot,
    hook: 'open' | 'write' | 'close',
    at: { item: string; imageId: number } | undefined,
    fn: () => unknown,
  ): Promise<WriterError | undefined> {
    try {
      await fn();
      return undefined;
    } catch (cause) {
      return this.fail(s, hook, at, cause);
    }
  }

  private fail(
    s: Slot,
    hook: 'open' | 'write' | 'close',
    at: { item: string; imageId: number } | undefined,
    cause: unknown,
  ): WriterError {
    const details =
      at === undefined ? { writer: s.writer.name, hook } : { writer: s.writer.name, hook, item: at.item };
    const error = new WriterError(details, { cause });
    this.errors.push(error);
    if (!s.disabled) {
      s.disabled = true;
      s.controller.abort(error);
    }
    this.ctx.warn({
      code: 'WRITER',
      stage: s.writer.name,
      message: error.message,
      ...(at === undefined ? {} : { imageId: at.imageId }),
      skipped: false,
    });
    return error;
  }

  private warn(e: unknown): void {
    this.ctx.warn({
      code: 'WRITER',
      stage: e instanceof WriterError ? e.writer : 'writeTo',
      message: e instanceof Error ? e.message : String(e),
      skipped: false,
    });
  }
}

function emptySummary(writer: string): WriterSummary {
  return { writer, files: [], items: 0, warnings: 0 };
}

function isSummary(v: unknown): v is WriterSummary {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<WriterSummary>;
  return typeof s.writer === 'string' && Array.isArray(s.files) && typeof s.items === 'number';
}
