import { type PipelineWarning, WriterError } from '@cytorx/core';
import { assembleCoco } from '../coco/assemble-coco.js';
import { planSplit } from '../coco/split.js';
import type { WriterContext } from '../writer.js';
import type { ExportSummary } from './export-types.js';
import { writeReport } from './report.js';
import { COCO_PARTS, MANIFEST, type RunState } from './run-state.js';

/**
 * The COCO step of an export's finish: assembles `coco/` from the images' parts (unless the
 * COCO writer failed or the run was cancelled) and adds its files to `outputs`. Returns the
 * failure, if the assembly failed. @internal
 */
export async function assembleCocoFiles(
  ctx: WriterContext,
  coco: { split: number[] | string | undefined; seed: number } | undefined,
  failed: boolean,
  outputs: Map<string, string[]>,
): Promise<WriterError | undefined> {
  if (coco === undefined || failed || ctx.signal.aborted) return undefined;
  const plan = coco.split === undefined ? undefined : planSplit(coco.split, coco.seed, undefined);
  try {
    const { files } = await assembleCoco(ctx, { dir: 'coco', partsDir: COCO_PARTS, plan });
    outputs.set('coco', files);
    return undefined;
  } catch (cause) {
    return new WriterError({ writer: 'coco', hook: 'close' }, { cause });
  }
}

/** What the finish of an export needs. @internal */
export interface FinishInput {
  ctx: WriterContext;
  state: RunState;
  project: { id: number; name: string };
  options: Record<string, unknown>;
  complete: boolean;
  /** Every writer's name, built-in first. */
  writers: string[];
  /** Files each writer published outside the images (open, close, COCO assembly). */
  outputs: Map<string, string[]>;
  errors: Map<string, string[]>;
  runWarnings: PipelineWarning[];
  images: ExportSummary['images'];
}

/** Writes report.json (from the images' records) and the final manifest; returns the summary. @internal */
export async function finishExport(input: FinishInput): Promise<ExportSummary> {
  const { ctx, state, complete } = input;
  const { totals, writers } = await writeReport(ctx.out, () => state.records(), {
    project: input.project,
    options: input.options,
    classes: ctx.classes,
    complete,
    writers: input.writers.map((w) => ({
      writer: w,
      outputs: input.outputs.get(w) ?? [],
      errors: input.errors.get(w) ?? [],
    })),
    runWarnings: input.runWarnings,
  });
  await state.finish(complete ? 'complete' : 'incomplete', await writtenFiles(state, input.outputs));
  return {
    out: ctx.out.root,
    report: ctx.out.resolve('report.json'),
    manifest: ctx.out.resolve(MANIFEST),
    complete,
    images: input.images,
    annotations: totals.annotations,
    features: totals.features,
    skipped: totals.skipped,
    warnings: totals.warnings,
    contestedPixels: totals.contestedPixels,
    files: totals.files,
    writers,
    errors: writers.flatMap((w) => w.errors.map((m) => `${w.writer}: ${m}`)),
  };
}

/** Every file the export wrote: the images' files, the other outputs and its own files. */
async function writtenFiles(state: RunState, outputs: Map<string, string[]>): Promise<string[]> {
  const files = ['classes.json', 'report.json', MANIFEST, ...[...outputs.values()].flat()];
  for await (const record of state.records()) files.push(...Object.values(record.files).flat());
  return files;
}
