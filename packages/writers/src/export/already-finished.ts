import { readFile } from 'node:fs/promises';
import type { ExportEvent, ExportSummary } from './export-types.js';
import { MANIFEST } from './run-state.js';

/** Resuming an export that already completed: nothing to do; the summary comes from report.json. @internal */
export async function alreadyFinished(
  root: string,
  project: { id: number; name: string },
  selected: number,
): Promise<ExportEvent[]> {
  const reportPath = `${root}/report.json`;
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as {
    totals: Record<string, number>;
    writers: ExportSummary['writers'];
  };
  const t = report.totals;
  const summary: ExportSummary = {
    out: root,
    report: reportPath,
    manifest: `${root}/${MANIFEST}`,
    complete: true,
    images: { selected, exported: 0, resumed: selected },
    annotations: t.annotations ?? 0,
    features: t.features ?? 0,
    skipped: t.skipped ?? 0,
    warnings: t.warnings ?? 0,
    contestedPixels: t.contestedPixels ?? 0,
    files: t.files ?? 0,
    writers: report.writers,
    errors: [],
  };
  return [
    {
      type: 'start',
      project,
      out: root,
      formats: report.writers.map((w) => w.writer),
      images: selected,
      todo: 0,
      resumed: selected,
      resumedAnnotations: summary.annotations,
    },
    { type: 'done', summary },
  ];
}
