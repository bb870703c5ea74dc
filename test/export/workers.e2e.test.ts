// Image jobs in worker threads give the same files as in the calling thread. The export runs
// from the TypeScript sources here: its workers load the sources too (through tsx), so the
// threaded path is the one the built binary runs (test/export/cli.e2e.test.ts runs that).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CytomineClient, ImageBatch } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import {
  type ExportEvent,
  type ExportFormat,
  type ExportOptions,
  type ExportSummary,
  exportProject,
  type Writer,
} from '@cytorx/writers';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, DATASET, readJson, readTree, tempDir, treeDiff } from './helpers.js';

async function run(
  client: CytomineClient,
  options: Omit<ExportOptions, 'out'> & { out?: string },
): Promise<{ out: string; events: ExportEvent[]; summary: ExportSummary }> {
  const out = options.out ?? (await tempDir('cytorx-workers-'));
  const events = await lastValueFrom(
    exportProject(client, { ...options, out, errorOnFailure: false }).pipe(toArray()),
  );
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`last event is ${done?.type}`);
  return { out, events, summary: done.summary };
}

const threads = (events: ExportEvent[]) => events.flatMap((e) => (e.type === 'image-done' ? [e.thread] : []));

/** A third-party writer: one line per feature (id, class, first vertex), so features must come back from the workers. */
function linesWriter(): Writer {
  return {
    name: 'lines',
    async write(batch: ImageBatch, ctx) {
      const lines = batch.features.map((f) => {
        const g = f.geometry;
        const first = g.type === 'Polygon' ? g.coordinates[0]?.[0] : undefined;
        return `${f.id} ${f.classId ?? '-'} ${first?.join(',') ?? '-'}`;
      });
      await ctx.out.writeFile(`lines/${batch.image.id}.txt`, `${lines.join('\n')}\n`);
    },
    close: () => ({ writer: 'lines', files: [], items: 0, warnings: 0 }),
  };
}

describe('export with worker threads', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let project: number;

  beforeAll(async () => {
    emu = await startEmulator({ dataset: { ...DATASET, imagesPerProject: 6, annotationsPerImage: 40 } });
    client = clientFor(emu);
    project = emu.dataset.projects[0]!.id;
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  // Each run with workers starts its threads, which load the TypeScript sources through tsx:
  // few cases, each covering several options.
  const cases: Array<[string, Omit<ExportOptions, 'out' | 'project'>]> = [
    [
      'geojson, mask and coco with a split, tiles',
      {
        formats: ['geojson', 'mask', 'coco'],
        split: [0.5, 0.5],
        seed: 3,
        tile: { size: 256, overlap: 16, select: 'annotated' },
      },
    ],
    ['cytomine coordinates, zoom 1', { formats: ['geojson', 'mask', 'coco'], coords: 'cytomine', zoom: 1 }],
  ];
  it.each(cases)('%s: workers 0 and 2 write identical files', async (_name, options) => {
    const inThread = await run(client, { ...options, project, workers: 0, concurrency: 3 });
    const inWorkers = await run(client, { ...options, project, workers: 2, concurrency: 3 });
    expect(inThread.summary.complete).toBe(true);
    expect(inWorkers.summary.complete).toBe(true);
    expect(new Set(threads(inThread.events))).toEqual(new Set([0]));
    // The calling thread takes a job whenever it has none; the workers (ids > 0) took others.
    expect(threads(inWorkers.events)).toHaveLength(6);
    expect(threads(inWorkers.events).some((t) => t > 0)).toBe(true);
    const a = await readTree(inThread.out);
    expect(a.size).toBeGreaterThan(6);
    expect(treeDiff(a, await readTree(inWorkers.out))).toEqual([]);
  });

  it('a third-party writer gets the features back from the workers', async () => {
    const options = { project, formats: ['mask' as const], writers: [linesWriter()] };
    const inThread = await run(client, { ...options, workers: 0 });
    const inWorkers = await run(client, { ...options, workers: 1 });
    expect(threads(inWorkers.events).some((t) => t > 0)).toBe(true);
    const a = await readTree(inThread.out);
    const lines = [...a.keys()].filter((k) => k.startsWith('lines/'));
    expect(lines).toHaveLength(6);
    expect(a.get(lines[0]!)!.toString().split('\n').length).toBeGreaterThan(5);
    expect(treeDiff(a, await readTree(inWorkers.out))).toEqual([]);
  });

  it('a built-in writer failing in a worker is reported as in the calling thread', async () => {
    const outcome = async (workers: number) => {
      const out = await tempDir('cytorx-workers-fail-');
      // masks/ is a file: every mask write fails; geojson goes on. A folder holds one export: the
      // file sits beside an (empty) earlier export, replaced with `overwrite`, which leaves it.
      await writeFile(path.join(out, 'masks'), 'not a folder');
      const earlier = { cytorx: 'export', version: 1, status: 'incomplete', options: {} };
      await writeFile(
        path.join(out, 'manifest.json'),
        JSON.stringify({ ...earlier, images: { selected: [], complete: [] } }),
      );
      const options = {
        project,
        formats: ['geojson', 'mask'] as ExportFormat[],
        workers,
        concurrency: 3,
        out,
      };
      const r = await run(client, { ...options, overwrite: true });
      const report = await readJson<{
        complete: boolean;
        writers: Array<{ writer: string; errors: string[] }>;
      }>(out, 'report.json');
      return { r, report };
    };
    const a = await outcome(0);
    const b = await outcome(1);
    for (const { r, report } of [a, b]) {
      expect(r.summary.complete).toBe(false);
      expect(report.complete).toBe(false);
      expect(r.events.some((e) => e.type === 'writer-failed' && e.writer === 'mask')).toBe(true);
      expect(report.writers.find((w) => w.writer === 'mask')?.errors.length).toBe(1);
      expect(report.writers.find((w) => w.writer === 'geojson')?.errors).toEqual([]);
    }
    expect(b.report.writers.find((w) => w.writer === 'mask')?.errors[0]).toMatch(/masks/);
    const geojson = (t: Map<string, Buffer>) => [...t.keys()].filter((k) => k.startsWith('geojson/'));
    expect(geojson(await readTree(b.r.out))).toEqual(geojson(await readTree(a.r.out)));
    expect(geojson(await readTree(a.r.out))).toHaveLength(6);
  });

  it('unsubscribing stops the workers; a resume completes the same files', async () => {
    const options = { project, formats: ['geojson' as const, 'mask' as const, 'coco' as const], workers: 1 };
    const reference = await readTree((await run(client, options)).out);
    const out = await tempDir('cytorx-workers-cut-');
    await mkdir(out, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const sub = exportProject(client, { ...options, out }).subscribe({
        next: (e) => {
          if (e.type === 'image-done') {
            sub.unsubscribe();
            resolve();
          }
        },
        error: reject,
        complete: () => reject(new Error('completed before it could be cut')),
      });
    });
    const resumed = await run(client, { ...options, out, resume: true });
    expect(resumed.summary.complete).toBe(true);
    expect(resumed.summary.images.resumed).toBeGreaterThanOrEqual(1);
    expect(treeDiff(reference, await readTree(out))).toEqual([]);
  });
});

describe('defaultWorkers', () => {
  it('none below 4 cores; from 4 on one per core beyond the first, at most concurrency - 1', async () => {
    const { defaultWorkers } = await import('../../packages/writers/src/export/job-runner.js');
    expect([1, 2, 3, 4].map((cores) => defaultWorkers(3, cores))).toEqual([0, 0, 0, 2]);
    expect(defaultWorkers(8, 4)).toBe(3);
    expect(defaultWorkers(1, 16)).toBe(0);
    expect(defaultWorkers(5, 16)).toBe(4);
  });
});
