/** Progress display of `cytorx upload`. @internal */
import type { UploadEvent } from '@cytorx/core';
import { duration, type ProgressMode } from './export-progress.js';
import type { TextSink } from './output.js';

/** Consumes upload events and shows them; `finish()` ends the bar's line. */
export interface UploadProgressView {
  onEvent(e: UploadEvent): void;
  finish(): void;
}

const BAR_WIDTH = 24;

/**
 * A progress view. `bar`: one line on `stderr` redrawn at most every `intervalMs`: files read
 * and features while reading, then items done / planned, batches sent, created, failed and
 * the ETA; `json`: every event as one JSON line on `stdout`; `none`: nothing.
 */
export function uploadProgressView(
  mode: ProgressMode,
  io: { stdout: TextSink; stderr: TextSink },
  now: () => number = () => performance.now(),
  intervalMs = 100,
): UploadProgressView {
  if (mode === 'none') return { onEvent: () => undefined, finish: () => undefined };
  if (mode === 'json') {
    return { onEvent: (e) => io.stdout.write(`${JSON.stringify(e)}\n`), finish: () => undefined };
  }
  let files = 0;
  let features = 0;
  let planned: number | undefined;
  let done = 0;
  let batches = 0;
  let created = 0;
  let failed = 0;
  let sendingSince = 0;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const draw = (force = false) => {
    const t = now();
    if (!force && t - last < intervalMs) return;
    last = t;
    let line: string;
    if (planned === undefined) {
      line = `read ${files} file(s), ${features.toLocaleString('en-US')} features`;
    } else {
      const ratio = planned === 0 ? 1 : Math.min(1, done / planned);
      const filled = Math.round(ratio * BAR_WIDTH);
      const elapsed = (t - sendingSince) / 1000;
      const eta = done > 0 ? ((planned - done) * elapsed) / done : undefined;
      line =
        `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done.toLocaleString('en-US')}/${planned.toLocaleString('en-US')} items  ` +
        `${batches} batches  created ${created.toLocaleString('en-US')}  failed ${failed}  ETA ${eta === undefined ? '?' : duration(eta)}`;
    }
    io.stderr.write(`\r${line}\u001b[K`);
    drawn = true;
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'read':
          files++;
          features += e.features;
          break;
        case 'plan':
          planned = e.create + e.update + e.delete;
          sendingSince = now();
          break;
        case 'batch':
          batches++;
          break;
        case 'item':
          done++;
          if (e.status === 'created') created++;
          if (e.status === 'failed') failed++;
          break;
        case 'done':
          draw(true);
          return;
      }
      draw();
    },
    finish() {
      if (drawn) io.stderr.write('\n');
    },
  };
}
