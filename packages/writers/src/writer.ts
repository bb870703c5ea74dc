import type { ClassMapping, ImageBatch, WarningSink } from '@cytorx/core';
import type { OutputDir } from './fs/output-dir.js';

/** Minimal logger writers may use for progress/debug lines (never for warnings: use `ctx.warn`). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
}

/**
 * The one context object every writer hook receives. Fields may be added over time, so
 * destructure what you need rather than spreading it.
 */
export interface WriterContext {
  /** The output directory; every file must be written through it (atomic, cannot escape). */
  out: OutputDir;
  /** The class mapping in force (ids, names, colours, term ids). */
  classes: ClassMapping;
  /** The project being exported, when known. */
  project?: { id: number; name: string; ontologyName?: string };
  /** Report a non-fatal problem (annotation skipped, contested pixels, ...). */
  warn: WarningSink;
  logger: Logger;
  /**
   * Aborted when this writer's output is to be discarded: the run was cancelled or
   * unsubscribed, the source failed, another writer failed under `failFast`, or this writer
   * failed. Long hooks should check it; `close` should then abort (not commit) any file still
   * open. Files already committed stay.
   */
  signal: AbortSignal;
}

/** What a writer reports when it closes. */
export interface WriterSummary {
  /** The writer's name. */
  writer: string;
  /** Files written, relative to the output directory, sorted. */
  files: string[];
  /** Number of items (features or batches, as the writer counts them) written. */
  items: number;
  /** Number of warnings the writer raised. */
  warnings: number;
  /** Anything else the writer wants in the run's report (must be JSON-serialisable). */
  details?: Record<string, unknown>;
}

/**
 * The writer contract. Built-in writers (GeoJSON, mask, COCO) implement exactly this, and so
 * can any third-party writer. Hooks may return Promises; the driver awaits each before
 * giving the writer the next item (backpressure).
 *
 * - `open` runs once before the first item; fail here for unusable options or paths.
 * - `write` receives one {@link ImageBatch} (an image, or one tile of it, with its features).
 * - `close` always runs (also after a failure elsewhere) and returns a summary. If
 *   `ctx.signal` is aborted by then, discard incomplete files instead of publishing them.
 *
 * Write every file through `ctx.out` (atomic, confined to the output directory), build file
 * names from server data with `safeSegment`, report non-fatal problems with `ctx.warn`.
 */
export interface Writer {
  readonly name: string;
  open?(ctx: WriterContext): void | Promise<void>;
  write(batch: ImageBatch, ctx: WriterContext): void | Promise<void>;
  close(ctx: WriterContext): WriterSummary | Promise<WriterSummary>;
}

/** A function that makes a writer from its (data-only) options. */
export type WriterFactory<Options = Record<string, unknown>> = (options?: Options) => Writer;
