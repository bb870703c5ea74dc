import type { ImageInstance } from '@cytorx/core';
import type { Writer, WriterContext } from '../writer.js';
import type { ListingOptions } from './image-features.js';
import type { ImageJobResult } from './image-job.js';
import type { ImageRecord } from './image-record.js';
import type { JobRunner } from './job-runner.js';
import type { RunState } from './run-state.js';

/** Everything an export run needs, resolved against the server. @internal */
export interface RunSetup {
  project: { id: number; name: string };
  /** The options that shape the output (manifest and report). */
  options: Record<string, unknown>;
  images: ImageInstance[];
  state: RunState;
  /** The context of the writers in the calling thread (its `warn` is replaced by the run's). */
  ctx: WriterContext;
  /** Names of the built-in writers the image jobs run. */
  builtins: string[];
  /** Writers run in the calling thread on the jobs' batches (images writer, third-party). */
  writers: Writer[];
  /** COCO split, for the final assembly. */
  coco: { split: number[] | string | undefined; seed: number } | undefined;
  /** How annotations are listed. */
  listing: ListingOptions;
  /** Where image jobs run. */
  jobs: JobRunner;
  zoom: { zoom?: number; maxSize?: number };
  concurrency: number;
  errorOnFailure: boolean;
}

/** An image whose job finished, on its way to the writers of the calling thread and its record. @internal */
export interface Done {
  image: ImageInstance;
  record: ImageRecord;
  result: ImageJobResult;
  /** Batches not yet written by the writers of the calling thread. */
  left: number;
  /** Ends the image's slot among the `concurrency` in flight (called once it is recorded). */
  release: () => void;
}
