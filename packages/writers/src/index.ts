// @cytorx/writers public API. Every export is named explicitly; anything not here is internal.

export {
  type CompressedRle,
  compressRle,
  type Rle,
  rleArea,
  rleDecode,
  rleEncode,
  rleFromString,
  rleToBbox,
  rleToString,
} from './coco/rle.js';
export { type AtomicFile, createOutputDir, isTemporaryName, type OutputDir } from './fs/output-dir.js';
export { safeSegment } from './fs/safe-name.js';
export { geometryToRings } from './mask/geometry-to-rings.js';
export { rasterizeSpans } from './mask/rasterize.js';
export { type RasterBand, Rasterizer, type RasterSubject, type SpanCallback } from './mask/rasterizer.js';
export type { Logger, Writer, WriterContext, WriterFactory, WriterSummary } from './writer.js';
