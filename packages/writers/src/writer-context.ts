import type { ClassMapping, PipelineWarning, WarningSink } from '@cytorx/core';
import { createOutputDir, type OutputDir } from './fs/output-dir.js';
import type { Logger, WriterContext } from './writer.js';

/** Options of {@link createWriterContext}. */
export interface CreateWriterContextOptions {
  /** The output directory: a path (created if missing) or an existing {@link OutputDir}. */
  out: string | OutputDir;
  /** The class mapping. Default: no classes, `unlabeled` 255. */
  classes?: ClassMapping;
  /**
   * The project being exported, for writers that name it (COCO description and supercategory:
   * its ontology name, else its name). A `Project` from `getProject` fits as is; a null
   * `ontologyName` counts as none.
   */
  project?: { id: number; name: string; ontologyName?: string | null | undefined };
  /** Also receives every warning. Default: warnings are only collected. */
  warn?: WarningSink;
  /** Progress/debug lines. Default: silent. */
  logger?: Logger;
  /** Cancels the run. Default: a signal that never aborts. */
  signal?: AbortSignal;
}

/** A {@link WriterContext} that also keeps every warning raised through it. */
export interface CollectingWriterContext extends WriterContext {
  /** Every warning passed to `warn`, in order. */
  readonly warnings: PipelineWarning[];
}

const SILENT: Logger = { debug: () => undefined, info: () => undefined };

/**
 * Makes the context object writer hooks receive: the output directory (created if missing),
 * the class mapping, a warning sink that collects (and forwards to `options.warn`), a logger
 * and an abort signal.
 *
 * @param options - See {@link CreateWriterContextOptions}; only `out` is required.
 * @throws ConfigError `CYTORX_CONFIG` is not thrown here, but file system errors from creating `out` are.
 * @example
 * ```ts
 * import { createWriterContext } from '@cytorx/writers';
 * const ctx = await createWriterContext({ out: './dataset', classes });
 * // ... run writers with writeTo(ctx, ...) ...
 * console.log(ctx.warnings.length, 'warnings');
 * ```
 */
export async function createWriterContext(
  options: CreateWriterContextOptions,
): Promise<CollectingWriterContext> {
  const out = typeof options.out === 'string' ? await createOutputDir(options.out) : options.out;
  const warnings: PipelineWarning[] = [];
  const forward = options.warn;
  const ctx: CollectingWriterContext = {
    out,
    classes: options.classes ?? { background: 0, unlabeled: 255, classes: [] },
    warn: (w) => {
      warnings.push(w);
      forward?.(w);
    },
    logger: options.logger ?? SILENT,
    signal: options.signal ?? new AbortController().signal,
    warnings,
  };
  if (options.project !== undefined) {
    const { id, name, ontologyName } = options.project;
    ctx.project = typeof ontologyName === 'string' ? { id, name, ontologyName } : { id, name };
  }
  return ctx;
}
