/**
 * Worker thread entry of the export's image pool (`image-pool.ts`): runs image jobs (feature
 * pipeline + built-in file writers) one after the other with its own {@link ImageJobRunner}.
 *
 * Messages in: `{ type: 'job', id, job }`, then the job's annotations in chunks
 * (`{ type: 'annotations', id, annotations }`) and `{ type: 'end', id }`; `{ type: 'cancel', id }`,
 * `{ type: 'close' }`.
 * Messages out: `{ type: 'ready' }`, `{ type: 'result', id, result }`,
 * `{ type: 'error', id, error }`, `{ type: 'closed' }`.
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AbortedError, type Annotation } from '@cytorx/core';
import { concatMap, ReplaySubject } from 'rxjs';
import {
  type ErrorData,
  errorData,
  type ImageJob,
  type ImageJobResult,
  ImageJobRunner,
  type ImageJobSetup,
} from './image-job.js';

/** A message to the worker. @internal */
export type ToImageWorker =
  | { type: 'job'; id: number; job: ImageJob }
  | { type: 'annotations'; id: number; annotations: Annotation[] }
  | { type: 'end'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'close' };

/** A message from the worker. @internal */
export type FromImageWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: ImageJobResult }
  | { type: 'error'; id: number; error: ErrorData }
  | { type: 'closed' };

const port = parentPort;
if (port !== null) {
  const post = (m: FromImageWorker) => port.postMessage(m);
  const runner = await ImageJobRunner.create((workerData as { setup: ImageJobSetup }).setup);
  const running = new Map<
    number,
    { controller: AbortController; annotations: ReplaySubject<Annotation[]> }
  >();
  /** Jobs run one after the other; a queued job's annotations are kept until it starts. */
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (m: ToImageWorker) => {
    if (m.type === 'annotations') running.get(m.id)?.annotations.next(m.annotations);
    else if (m.type === 'end') running.get(m.id)?.annotations.complete();
    else if (m.type === 'job') {
      const controller = new AbortController();
      const annotations = new ReplaySubject<Annotation[]>();
      running.set(m.id, { controller, annotations });
      previous = previous
        .then(() => runner.run(m.job, annotations.pipe(concatMap((chunk) => chunk)), controller.signal))
        .then(
          (result) => post({ type: 'result', id: m.id, result }),
          (e: unknown) => post({ type: 'error', id: m.id, error: errorData(e) }),
        )
        .finally(() => running.delete(m.id));
    } else if (m.type === 'cancel') {
      running.get(m.id)?.controller.abort(new AbortedError('image job cancelled'));
    } else {
      runner.close().finally(() => post({ type: 'closed' }));
    }
  });
  post({ type: 'ready' });
}
