/** Progress display of `cytorx export`. @internal */
import { readFile, stat } from 'node:fs/promises';
import type { ExportEvent, ExportSummary } from '@cytorx/writers';
import type { TextSink } from './output.js';

/** How progress is shown: a live bar, one JSON event per line, or nothing. */
export type ProgressMode = 'bar' | 'json' | 'none';

/**
 * The mode of a `--progress auto|json|none` option: `auto` is a bar when stderr is a terminal,
 * else nothing.
 */
export function progressMode(option: 'auto' | 'json' | 'none', stderr: TextSink): ProgressMode {
  if (option === 'json' || option === 'none') return option;
  return (stderr as { isTTY?: boolean }).isTTY === true ? 'bar' : 'none';
}

/** Consumes export events and shows them; `finish()` clears the bar. */
export interface ProgressView {
  onEvent(e: ExportEvent): void;
  finish(): void;
}

const BAR_WIDTH = 24;

/**
 * A progress view. `bar`: one line on `stderr` redrawn at most every `intervalMs` (images
 * done/total, annotations, annotations/s, ETA); `json`: every event as one JSON line on
 * `stdout` (for other programs; all human text goes to stderr); `none`: nothing.
 */
export function progressView(
  mode: ProgressMode,
  io: { stdout: TextSink; stderr: TextSink },
  now: () => number = () => performance.now(),
  intervalMs = 100,
): ProgressView {
  if (mode === 'none') return { onEvent: () => undefined, finish: () => undefined };
  if (mode === 'json') {
    return { onEvent: (e) => io.stdout.write(`${JSON.stringify(e)}\n`), finish: () => undefined };
  }
  const started = now();
  let total = 0;
  let done = 0;
  let resumed = 0;
  let annotations = 0;
  let fresh = 0;
  let warnings = 0;
  let last = -Infinity;
  let drawn = false;
  const draw = (force = false) => {
    const t = now();
    if (!force && t - last < intervalMs) return;
    last = t;
    const elapsed = (t - started) / 1000;
    const ratio = total === 0 ? 1 : done / total;
    const filled = Math.round(ratio * BAR_WIDTH);
    const rate = elapsed > 0 ? fresh / elapsed : 0;
    const doneHere = done - resumed;
    const eta = doneHere > 0 ? ((total - done) * elapsed) / doneHere : undefined;
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} images  ` +
      `${annotations.toLocaleString('en-US')} annotations  ${Math.round(rate).toLocaleString('en-US')}/s  ` +
      `ETA ${eta === undefined ? '?' : duration(eta)}${warnings > 0 ? `  ${warnings} warnings` : ''}`;
    io.stderr.write(`\r${line}\u001b[K`);
    drawn = true;
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'start':
          total = e.images;
          resumed = e.resumed;
          done = e.resumed;
          annotations = e.resumedAnnotations;
          break;
        case 'annotations':
          annotations += e.count;
          fresh += e.count;
          break;
        case 'image-done':
          done++;
          break;
        case 'warning':
          warnings++;
          return;
        case 'done':
          draw(true);
          return;
        default:
          return;
      }
      draw();
    },
    finish() {
      if (drawn) io.stderr.write('\n');
    },
  };
}

/** `1h02m`, `3m05s`, `12s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * The closing lines: what was written, skipped and where the report is. `skippedByStage`
 * (report.json `totals.skippedByStage`) adds the per-output figures: distinct annotations
 * left out by each writer (that output only) or pipeline stage (every output).
 */
export function summaryLines(
  s: ExportSummary,
  seconds: number,
  skippedByStage?: Record<string, number>,
): string[] {
  const stages = Object.entries(skippedByStage ?? {}).filter(([, n]) => n > 0);
  const by = stages.length === 0 ? '' : ` (${stages.map(([stage, n]) => `${stage} ${n}`).join(', ')})`;
  const lines = [
    `export ${s.complete ? 'complete' : 'INCOMPLETE'}: ${s.images.selected} images ` +
      `(${s.images.exported} exported now${s.images.resumed > 0 ? `, ${s.images.resumed} from an earlier run` : ''}), ` +
      `${s.annotations} annotations, ${s.features} features, ${s.files} output files (besides classes.json, manifest.json, report.json) in ${duration(seconds)}`,
    `  ${s.skipped} distinct annotations left out of at least one output${by}; reasons in the report`,
    `  ${s.warnings} warnings, ${s.contestedPixels} contested mask pixels`,
    `  report: ${s.report}`,
  ];
  for (const e of s.errors) lines.push(`  failed: ${e}`);
  return lines;
}

/**
 * How the images of a split were assigned, when a part got none (`splitNote` of
 * @cytorx/writers on the export's `coco/splits.json`); undefined otherwise or without one.
 */
export async function splitAssignmentNote(out: string, split: string): Promise<string | undefined> {
  try {
    const assignment = JSON.parse(await readFile(`${out}/coco/splits.json`, 'utf8')) as Record<
      string,
      string
    >;
    const { splitNote } = await import('@cytorx/writers');
    return splitNote(split, assignment);
  } catch {
    return undefined;
  }
}

/** Largest report.json read back for the per-output figures of the summary. */
const REPORT_READ_LIMIT = 64 * 1024 * 1024;

/** report.json `totals.skippedByStage` (undefined when the report is missing or very large). */
export async function skippedByStage(report: string): Promise<Record<string, number> | undefined> {
  try {
    if ((await stat(report)).size > REPORT_READ_LIMIT) return undefined;
    const r = JSON.parse(await readFile(report, 'utf8')) as {
      totals?: { skippedByStage?: Record<string, number> };
    };
    return r.totals?.skippedByStage;
  } catch {
    return undefined;
  }
}
