// Issue 12, item 10: silent acceptance. A --classes file whose term ids are not in the
// project's ontology is refused (exit 2, naming them); "annotations left out" counts distinct
// annotations, with per-output (per-stage) figures in report.json and the summary.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-in-process.js';
import { emulatorProject } from './emulator-project.js';
import { type Report, readJson, runExport, tempDir } from './helpers.js';

describe('nothing accepted silently (emulator project)', () => {
  const ctx = emulatorProject();
  /** `cytorx export --project P --out ds --progress none ...args` in `home`. */
  const exportCli = (home: string, ...args: string[]) =>
    runInProcess(['export', '--project', String(ctx.project), '--out', 'ds', '--progress', 'none', ...args], {
      env: ctx.env,
      home,
    });

  it('--classes with term ids outside the ontology: exit 2 naming them, nothing exported', async () => {
    const home = await tempDir('cytorx-classes-');
    const [t1] = ctx.emu.dataset.terms;
    const classes = {
      classes: [
        { id: 1, name: 'known', termIds: [t1!.id] },
        { id: 2, name: 'stale', termIds: [990_001, 990_002] },
      ],
    };
    await writeFile(path.join(home, 'classes.json'), JSON.stringify(classes));
    const r = await exportCli(home, '--classes', 'classes.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'term ids 990001 (class 2 "stale"), 990002 (class 2 "stale") are not in the project\'s ontology',
    );
    expect(r.stderr).toContain(`${t1!.id} ${t1!.name}`);
  });

  it('left out: distinct annotations in the totals and the summary, per stage in report.json and the summary line', async () => {
    const { out, summary } = await runExport(ctx.client, { project: ctx.project, formats: ['mask', 'coco'] });
    const report = await readJson<Report & { totals: { skippedByStage: Record<string, number> } }>(
      out,
      'report.json',
    );
    const distinct = new Set(report.skipped.map((s) => `${s.imageId}:${s.annotationId}`));
    const perStage = new Map<string, Set<string>>();
    for (const s of report.skipped) {
      const set = perStage.get(s.stage) ?? new Set<string>();
      set.add(`${s.imageId}:${s.annotationId}`);
      perStage.set(s.stage, set);
    }
    // Some annotations are left out of both outputs (sub-pixel slivers): pairs overcount.
    expect(report.skipped.length).toBeGreaterThan(distinct.size);
    expect(report.totals.skipped).toBe(distinct.size);
    expect(summary.skipped).toBe(distinct.size);
    expect(report.totals.skippedByStage).toEqual(
      Object.fromEntries([...perStage].map(([k, v]) => [k, v.size]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))),
    );
    expect(Object.keys(report.totals.skippedByStage)).toEqual(expect.arrayContaining(['coco', 'mask']));

    const home = await tempDir('cytorx-leftout-');
    const r = await exportCli(home, '--format', 'mask,coco');
    expect(r.code, r.stderr).toBe(0);
    const by = Object.entries(report.totals.skippedByStage)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    expect(r.stderr).toContain(
      `${distinct.size} distinct annotations left out of at least one output (${by})`,
    );
  });
});
