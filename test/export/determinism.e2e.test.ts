// The output of an export never depends on faults, interruptions or sharding: compared byte
// for byte with one fault-free, uninterrupted, unsharded run.
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import {
  type ExportEvent,
  type ExportOptions,
  exportProject,
  mergeCoco,
  parseShard,
  shardOf,
} from '@cytorx/writers';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, DATASET, readJson, readTree, runExport, tempDir, treeDiff } from './helpers.js';

describe('export determinism', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let options: Omit<ExportOptions, 'out'>;
  let reference: Map<string, Buffer>;
  let imageIds: number[];

  beforeAll(async () => {
    emu = await startEmulator({ dataset: { ...DATASET, imagesPerProject: 8, annotationsPerImage: 30 } });
    client = clientFor(emu);
    const project = emu.dataset.projects[0]!.id;
    imageIds = emu.dataset.images.filter((im) => im.project === project).map((im) => im.id);
    options = { project, formats: ['geojson', 'mask', 'coco'], split: [0.7, 0.3], seed: 5, concurrency: 3 };
    reference = await readTree((await runExport(client, options)).out);
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  it('the reference run has every expected file', () => {
    expect(
      reference.has('coco/train.json') && reference.has('coco/val.json') && reference.has('coco/splits.json'),
    ).toBe(true);
    expect([...reference.keys()].filter((k) => k.startsWith('masks/'))).toHaveLength(imageIds.length);
    expect([...reference.keys()].some((k) => k.startsWith('.cytorx'))).toBe(false); // working state removed
  });

  it('with 10% injected failures and 10% connection resets: identical files', async () => {
    emu.setFaults({ failureRate: 0.1, resetRate: 0.1, seed: 3 });
    emu.resetStats();
    try {
      const small = clientFor(emu, { pageSize: 4 }); // more requests, more faults
      const run = await runExport(small, { ...options, concurrency: 4 }).finally(() => small.close());
      const stats = emu.stats();
      expect(stats.requests).toBeGreaterThan(60);
      expect(stats.failuresInjected).toBeGreaterThan(2);
      expect(stats.resetsInjected).toBeGreaterThan(2);
      expect(treeDiff(reference, await readTree(run.out))).toEqual([]);
    } finally {
      emu.setFaults({});
    }
  });

  it('cancelled part-way (abort), then resumed: identical files, completed images not fetched again', async () => {
    const out = await tempDir();
    const controller = new AbortController();
    let done = 0;
    const first = exportProject(client, { ...options, out, concurrency: 2, signal: controller.signal }).pipe(
      tap((e: ExportEvent) => {
        if (e.type === 'image-done' && ++done === 3) controller.abort();
      }),
      toArray(),
    );
    await expect(lastValueFrom(first)).rejects.toMatchObject({ code: 'CYTORX_ABORTED' });
    const manifest = await readJson<{ status: string; images: { complete: number[] } }>(out, 'manifest.json');
    expect(manifest.status).toBe('incomplete');
    const completed = manifest.images.complete;
    expect(completed.length).toBeGreaterThanOrEqual(3);
    expect(completed.length).toBeLessThan(imageIds.length);

    const resumed = await runExport(client, { ...options, out, concurrency: 4, resume: true });
    const started = resumed.events.flatMap((e) => (e.type === 'image-start' ? [e.imageId] : []));
    expect(started.filter((id) => completed.includes(id))).toEqual([]);
    expect(resumed.summary.images).toEqual({
      selected: imageIds.length,
      exported: imageIds.length - completed.length,
      resumed: completed.length,
    });
    expect(treeDiff(reference, await readTree(out))).toEqual([]);
    // Resuming a finished export does nothing and reports the same totals.
    const again = await runExport(client, { ...options, out, resume: true });
    expect(again.events.map((e) => e.type)).toEqual(['start', 'done']);
    expect(again.summary.annotations).toBe(resumed.summary.annotations);
    expect(treeDiff(reference, await readTree(out))).toEqual([]);
  });

  it('resume refuses a directory exported with other options', async () => {
    const one = { ...options, images: imageIds.slice(0, 1) };
    const { out } = await runExport(client, one);
    await expect(runExport(client, { ...one, out, seed: 6, resume: true })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
      message: expect.stringMatching(/other options \(seed: 5 -> 6\)/),
    });
  });

  it('four shards, merged (coco-merge + union of per-image files), equal one unsharded export', async () => {
    const merged = await tempDir();
    const shardDirs: string[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await runExport(client, { ...options, shard: `${i}/4` });
      shardDirs.push(run.out);
      counts.push(run.summary.images.selected);
      expect(run.summary.images.selected).toBe(
        imageIds.filter((id) => shardOf(id, imageIds, 4) === i).length,
      );
      await cp(run.out, merged, { recursive: true, force: false, errorOnExist: false });
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(imageIds.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1); // balanced
    for (const part of ['train.json', 'val.json']) {
      await rm(path.join(merged, 'coco', part));
      await mergeCoco(shardDirs, path.join(merged, 'coco', part), { fileName: part });
    }
    const tree = await readTree(merged);
    // report.json, manifest.json and splits.json describe one shard; the data files must match.
    expect(treeDiff(reference, tree, ['report.json', 'manifest.json', 'coco/splits.json'])).toEqual([]);
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
  });
});
