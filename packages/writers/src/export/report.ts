import type { ClassMapping, PipelineWarning } from '@cytorx/core';
import type { OutputDir } from '../fs/output-dir.js';
import type { ExportWriterReport } from './export-types.js';
import type { ImageRecordData, RecordedWarning } from './image-record.js';

/** Totals of report.json (and of the export summary). */
export interface ReportTotals {
  images: number;
  annotations: number;
  features: number;
  /**
   * Distinct annotations left out of at least one output (an annotation skipped by two writers,
   * or in several tiles or multi-term copies, counts once).
   */
  skipped: number;
  /**
   * Distinct annotations left out, per stage that left them out: a writer's name (`mask`,
   * `coco`, ...) means left out of that output only; a pipeline stage (`parseWkt`, `repair`,
   * ...) means left out of every output. Keys sorted.
   */
  skippedByStage: Record<string, number>;
  warnings: number;
  contestedPixels: number;
  files: number;
}

/** Inputs of {@link writeReport} besides the records. @internal */
export interface ReportInput {
  project: { id: number; name: string };
  options: Record<string, unknown>;
  classes: ClassMapping;
  complete: boolean;
  /** Writers in run order, with the files they published when closing. */
  writers: Array<{ writer: string; outputs: string[]; errors: string[] }>;
  /** Warnings not tied to one image. */
  runWarnings: PipelineWarning[];
}

const CHUNK = 64 * 1024;

/**
 * Writes report.json from the records of every complete image (ascending image id, streamed
 * in three passes over the records so memory holds one record at a time): per-image counts
 * and files, every skipped annotation with its reason, the other warnings, then totals,
 * features per class, warnings per code, contested pixels and what each writer produced.
 * Contains no timing, so an interrupted-and-resumed export writes the same bytes as an
 * uninterrupted one. Returns the totals. @internal
 */
export async function writeReport(
  out: OutputDir,
  records: () => AsyncIterable<ImageRecordData>,
  input: ReportInput,
): Promise<{ totals: ReportTotals; writers: ExportWriterReport[] }> {
  const totals: ReportTotals = {
    images: 0,
    annotations: 0,
    features: 0,
    skipped: 0,
    skippedByStage: {},
    warnings: 0,
    contestedPixels: 0,
    files: 0,
  };
  const perClass = new Map<number, number>();
  const byStage = new Map<string, number>();
  const byCode: Record<string, number> = {};
  const filesPerWriter = new Map<string, number>();
  const file = await out.open('report.json');
  let buffer = '';
  const emit = async (text: string) => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      await file.write(buffer);
      buffer = '';
    }
  };
  try {
    await emit('{"images":[');
    for await (const r of records()) {
      totals.images++;
      totals.annotations += r.annotations;
      totals.features += r.features;
      totals.contestedPixels += r.contestedPixels;
      for (const [id, n] of Object.entries(r.classes))
        perClass.set(Number(id), (perClass.get(Number(id)) ?? 0) + n);
      for (const [writer, list] of Object.entries(r.files)) {
        filesPerWriter.set(writer, (filesPerWriter.get(writer) ?? 0) + list.length);
        totals.files += list.length;
      }
      const skipped = distinctSkipped(r.warnings, byStage);
      for (const w of r.warnings) {
        totals.warnings++;
        byCode[w.code] = (byCode[w.code] ?? 0) + 1;
      }
      totals.skipped += skipped;
      const { warnings, ...rest } = r;
      const entry = { ...rest, skipped, warnings: warnings.length };
      await emit(`${totals.images === 1 ? '' : ','}\n${JSON.stringify(entry)}`);
    }
    for (const [key, skipped] of [
      ['skipped', true],
      ['warnings', false],
    ] as const) {
      await emit(`\n],"${key}":[`);
      let first = true;
      for await (const r of records()) {
        for (const w of r.warnings) {
          if (w.skipped !== skipped) continue;
          await emit(`${first ? '' : ','}\n${JSON.stringify(warningEntry(r.id, w))}`);
          first = false;
        }
      }
    }
    for (const w of input.runWarnings) {
      totals.warnings++;
      byCode[w.code] = (byCode[w.code] ?? 0) + 1;
    }
    const writers: ExportWriterReport[] = input.writers.map((w) => ({
      writer: w.writer,
      files: (filesPerWriter.get(w.writer) ?? 0) + w.outputs.length,
      outputs: [...w.outputs].sort(),
      failed: w.errors.length > 0,
      errors: w.errors,
    }));
    totals.files += writers.reduce((n, w) => n + w.outputs.length, 0);
    totals.skippedByStage = Object.fromEntries([...byStage].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    const names = new Map(input.classes.classes.map((c) => [c.id, c.name]));
    const classes = [...perClass]
      .sort((a, b) => a[0] - b[0])
      .map(([id, features]) => ({
        id,
        name: names.get(id) ?? (id === input.classes.unlabeled ? 'unlabeled' : `class_${id}`),
        features,
      }));
    const tail = {
      cytorx: 'export-report',
      version: 1,
      complete: input.complete,
      project: input.project,
      options: input.options,
      totals,
      classes,
      warningsByCode: Object.fromEntries(Object.entries(byCode).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      runWarnings: input.runWarnings.map((w) => warningEntry(w.imageId, w)),
      writers,
    };
    await file.write(`${buffer}\n],${JSON.stringify(tail, null, 1).slice(1)}\n`);
    await file.commit();
    return { totals, writers };
  } catch (e) {
    await file.abort();
    throw e;
  }
}

/**
 * Distinct annotations of one image left out of an output, adding per-stage distinct counts
 * to `byStage`. Annotation ids are unique within an image (its tiles and multi-term copies
 * share the id); a skip without an annotation id counts on its own.
 */
function distinctSkipped(warnings: readonly RecordedWarning[], byStage: Map<string, number>): number {
  const all = new Set<number>();
  const perStage = new Map<string, Set<number>>();
  let anonymous = 0;
  for (const w of warnings) {
    if (!w.skipped) continue;
    const id = w.annotationId;
    if (id === undefined) {
      anonymous++;
      byStage.set(w.stage, (byStage.get(w.stage) ?? 0) + 1);
      continue;
    }
    all.add(id);
    const set = perStage.get(w.stage) ?? new Set<number>();
    set.add(id);
    perStage.set(w.stage, set);
  }
  for (const [stage, ids] of perStage) byStage.set(stage, (byStage.get(stage) ?? 0) + ids.size);
  return all.size + anonymous;
}

function warningEntry(imageId: number | undefined, w: RecordedWarning): Record<string, unknown> {
  return {
    imageId: imageId ?? null,
    annotationId: w.annotationId ?? null,
    code: w.code,
    stage: w.stage,
    message: w.message,
  };
}
