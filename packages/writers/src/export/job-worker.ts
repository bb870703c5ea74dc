/**
 * Worker-thread entry of the export's job pool (`job-runner.ts`, tinypool): runs the image job
 * (`imageJobRunner`, the same code as in the calling thread) on the annotations that arrive on
 * the task's port. @internal
 */
import type { MessagePort } from 'node:worker_threads';
import { AbortedError, type Annotation } from '@cytorx/core';
import { Observable } from 'rxjs';
import Tinypool from 'tinypool';
import { type ErrorData, errorData } from './error-data.js';
import { type ImageJob, type ImageJobResult, type ImageJobRun, imageJobRunner } from './image-job.js';

/** What the calling thread sends on a job's port. @internal */
export type ToJob = { type: 'annotations'; annotations: Annotation[] } | { type: 'end' } | { type: 'cancel' };

/** A job's outcome as the worker returns it (errors as plain data). @internal */
export type JobReply = { ok: true; result: ImageJobResult } | { ok: false; error: ErrorData };

let run: ImageJobRun | undefined;

/** Runs one job: `task.port` brings its annotations, then `end` (or `cancel`). */
export default async function runJob(task: { job: ImageJob; port: MessagePort }): Promise<JobReply> {
  run ??= imageJobRunner(Tinypool.workerData);
  const { port } = task;
  const controller = new AbortController();
  port.on('message', (m: ToJob) => {
    if (m.type === 'cancel') controller.abort(new AbortedError('image job cancelled'));
  });
  const annotations = new Observable<Annotation>((subscriber) => {
    const onMessage = (m: ToJob) => {
      if (m.type === 'annotations') for (const a of m.annotations) subscriber.next(a);
      else if (m.type === 'end') subscriber.complete();
    };
    port.on('message', onMessage);
    return () => port.off('message', onMessage);
  });
  try {
    return { ok: true, result: await run(task.job, annotations, controller.signal) };
  } catch (e) {
    return { ok: false, error: errorData(e) };
  } finally {
    port.close();
  }
}
