// @cytorx/core public API. Every export is named explicitly; anything not here is internal.

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
export type {
  Annotation,
  CurrentUser,
  ImageInstance,
  ListEnvelope,
  Ontology,
  Project,
  Term,
} from './resources/types.js';
