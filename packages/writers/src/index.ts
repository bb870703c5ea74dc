// @cytorx/writers public API. Every export is named explicitly; anything not here is internal.

export { batchKey } from './batch-key.js';
export { type CocoWriterOptions, cocoWriter } from './coco/coco-writer.js';
export { type MergeCocoResult, mergeCoco } from './coco/merge-coco.js';
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
export { rleFrPoly } from './coco/rle-fr-poly.js';
export { rleMerge } from './coco/rle-merge.js';
export type { CocoSegmentationMode } from './coco/segmentation.js';
export { splitNote } from './coco/split.js';
export { defineWriter } from './define-writer.js';
export { exportProject } from './export/export-project.js';
export type {
  ExportEvent,
  ExportFormat,
  ExportOptions,
  ExportSummary,
  ExportWriterReport,
} from './export/export-types.js';
export { parseShard, type Shard, shardImages, shardOf } from './export/shard.js';
export { zoomFor } from './export/zoom-for.js';
export { type AtomicFile, createOutputDir, isTemporaryName, type OutputDir } from './fs/output-dir.js';
export { safeSegment } from './fs/safe-name.js';
export type { GeojsonFlavor } from './geojson/feature-json.js';
export { type GeojsonWriterOptions, geojsonWriter } from './geojson/geojson-writer.js';
export { type ImagesWriterOptions, imagesWriter } from './images/images-writer.js';
export type { OverlapPolicy } from './mask/composite.js';
export { type MaskWriterOptions, maskWriter } from './mask/mask-writer.js';
export { type OmeZarrWriterOptions, omeZarrWriter } from './ome-zarr/ome-zarr-writer.js';
export {
  buildOverview,
  type OverviewOptions,
  type OverviewSummary,
} from './overview/build-overview.js';
export { geometryToRings } from './raster/geometry-to-rings.js';
export { rasterizeSpans } from './raster/rasterize.js';
export { type RasterBand, Rasterizer, type RasterSubject, type SpanCallback } from './raster/rasterizer.js';
export { parseWriterOptions, type WriterOptionsInput } from './registry/parse-writer-options.js';
export {
  builtinWriterNames,
  loadWriterFactory,
  type ResolveWriterOptions,
  resolveWriter,
} from './registry/resolve-writer.js';
export type { PredictionOptions } from './vectorize/prediction-options.js';
export { type PredictionSource, readPredictions } from './vectorize/read-predictions.js';
export { type WriterDoneEvent, type WriterEvent, type WriteToOptions, writeTo } from './write-to.js';
export type { Logger, Writer, WriterContext, WriterFactory, WriterSummary } from './writer.js';
export {
  type CollectingWriterContext,
  type CreateWriterContextOptions,
  createWriterContext,
} from './writer-context.js';
