// @cytorx/emulator public API.
export { generateDataset } from './dataset/generate-dataset.js';
export type { Emulator, EmulatorOptions } from './server/start-emulator.js';
export { startEmulator } from './server/start-emulator.js';
export type {
  AnnotationKind,
  AuthMode,
  BatchStyle,
  Dataset,
  DatasetAnnotation,
  DatasetAnnotationTerm,
  DatasetImage,
  DatasetOntology,
  DatasetProject,
  DatasetTerm,
  DatasetUser,
  EmulatorStats,
  FaultOptions,
  GenerateOptions,
} from './types.js';
