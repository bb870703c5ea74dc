// @cytorx/writers public API. Every export is named explicitly; anything not here is internal.

export { type AtomicFile, createOutputDir, isTemporaryName, type OutputDir } from './fs/output-dir.js';
export { safeSegment } from './fs/safe-name.js';
export type { Logger, Writer, WriterContext, WriterFactory, WriterSummary } from './writer.js';
