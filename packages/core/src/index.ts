// @cytorx/core public API. Every export is named explicitly; anything not here is internal.

export { createClient } from './client/create-client.js';
export {
  formatCytomineDate,
  type SignRequestInput,
  signRequest,
  stringToSign,
} from './client/sign-request.js';
export type {
  AuthMode,
  ClientEvent,
  ClientOptions,
  CytomineClient,
  HttpMethod,
  PaginateOptions,
  Query,
  QueryValue,
  RequestOptions,
  RetryOptions,
} from './client/types.js';
export { AbortedError } from './errors/aborted-error.js';
export { AuthError } from './errors/auth-error.js';
export { BadResponseError } from './errors/bad-response-error.js';
export { ConfigError } from './errors/config-error.js';
export { CytorxError, type CytorxErrorCode, isCytorxError } from './errors/cytorx-error.js';
export { HttpError, type HttpErrorDetails } from './errors/http-error.js';
export { InvalidGeometryError } from './errors/invalid-geometry-error.js';
export { NetworkError } from './errors/network-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export { WriterError } from './errors/writer-error.js';
export { geometryArea, geometryPerimeter, ringSignedArea } from './geometry/area.js';
export {
  type BBox,
  bboxContains,
  bboxOverlaps,
  geometryBbox,
  positionsBbox,
} from './geometry/bbox.js';
export { clipLineToRect } from './geometry/clip-line.js';
export { clipGeometryToRect } from './geometry/clip-rect.js';
export { coordinatesProblem } from './geometry/coordinates-problem.js';
export { isRingCounterClockwise, orientGeometry, reverseRing } from './geometry/orientation.js';
export { type RepairResult, repairGeometry } from './geometry/repair.js';
export { toWkt } from './geometry/to-wkt.js';
export {
  flipY,
  forEachPosition,
  isFiniteGeometry,
  scaleGeometry,
  transformGeometry,
  translateGeometry,
} from './geometry/transform.js';
export { type ClipToImageOptions, clipToImage } from './operators/clip-to-image.js';
export { type GroupByImageOptions, groupByImage, imageBatch } from './operators/group-by-image.js';
export { type MapClassesOptions, type MultiTermPolicy, mapClasses } from './operators/map-classes.js';
export { type ImageLookup, type ParseWktOptions, parseWkt } from './operators/parse-wkt.js';
export { type RepairOptions, repair } from './operators/repair.js';
export { type ResolveTermsOptions, resolveTerms, type TermLookup } from './operators/resolve-terms.js';
export { scale, zoom } from './operators/scale.js';
export { tile } from './operators/tile.js';
export { type TileGrid, type TileOptions, tileBatch, tileGrid } from './operators/tile-batch.js';
export { toCytomineSpace } from './operators/to-cytomine-space.js';
export { type FrameOptions, toImageSpace } from './operators/to-image-space.js';
export { checkClassTerms } from './pipeline/check-class-terms.js';
export {
  classMappingToJson,
  type DefaultClassMappingOptions,
  defaultClassMapping,
  parseClassMapping,
} from './pipeline/class-mapping.js';
export { DERIVED_ID_FACTOR, derivedFeatureId, parseFeatureId } from './pipeline/derived-id.js';
export type {
  Canvas,
  ClassDef,
  ClassMapping,
  Feature,
  Frame,
  Geometry,
  ImageBatch,
  PipelineWarning,
  Position,
  WarningCode,
  WarningSink,
} from './pipeline/types.js';
export type { AnnotationQuery } from './resources/annotation-query.js';
export { getAnnotation, type ListAnnotationsOptions, listAnnotations } from './resources/annotations.js';
export { currentUser } from './resources/current-user.js';
export { getImageThumbnail, type ImageThumbnailOptions } from './resources/image-thumbnail.js';
export { getImageWindow, type ImageWindow } from './resources/image-window.js';
export { getImage, listImages } from './resources/images.js';
export { normalizeAnnotation, toEpochMs, toTermIds } from './resources/normalize.js';
export { getOntology } from './resources/ontologies.js';
export { getProject, listProjects } from './resources/projects.js';
export { listTerms, type TermScope } from './resources/terms.js';
export type {
  Annotation,
  CurrentUser,
  ImageInstance,
  ListEnvelope,
  Ontology,
  Project,
  Term,
} from './resources/types.js';
export {
  type BatchEntryError,
  type BatchOutcome,
  parseBatchResponse,
  parseSavedIds,
} from './upload/batch-response.js';
export { type CreateAnnotationsOptions, contentKey, createAnnotations } from './upload/create-annotations.js';
export { type DeleteAnnotationsOptions, deleteAnnotations } from './upload/delete-annotations.js';
export {
  type LedgerEntry,
  type LedgerRecord,
  type LedgerTarget,
  ledgerTargetKey,
  type OpenLedgerOptions,
  openLedger,
  type UploadLedger,
} from './upload/ledger.js';
export type { ReplaceOptions, ReplaceScope, SparedAnnotation } from './upload/plan-replace.js';
export {
  type PlanRefusal,
  type PlanUploadOptions,
  planUpload,
  type UploadPlan,
} from './upload/plan-upload.js';
export {
  DIMENSION_NOT_VALID,
  type ImageSize,
  type PreparedGeometry,
  type PrepareGeometryOptions,
  prepareGeometry,
} from './upload/prepare-geometry.js';
export {
  readCocoFeatures,
  readUploadSource,
  type SourceFeature,
  type UploadSource,
} from './upload/read-upload-source.js';
export { type RunUploadOptions, runUpload } from './upload/run-upload.js';
export type { DeleteItem, UpdateItem, UploadItem, UploadResult, UploadStatus } from './upload/types.js';
export { type UpdateAnnotationsOptions, updateAnnotations } from './upload/update-annotations.js';
export type { UploadEvent } from './upload/upload-event.js';
export type { UploadSessionOptions } from './upload/upload-session.js';
export {
  planRows,
  type UploadCounts,
  type UploadReportRow,
  type UploadSummary,
  UploadTally,
  uploadError,
} from './upload/upload-summary.js';
export { type UploadTarget, uploadTarget } from './upload/upload-target.js';
export { type MaskRegion, MaskVectorizer, type VectorizeOptions } from './vectorize/mask-vectorizer.js';
export { vectorizeMask } from './vectorize/vectorize-mask.js';
