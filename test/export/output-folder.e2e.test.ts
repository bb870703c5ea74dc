// Issue 12, points 7-9: a folder holds one export (refused / --overwrite / --resume checks),
// an exclusive lock per folder, balanced shards whose image sets coco-merge checks. Against the
// emulator, in-process (exportProject, and the CLI entry function).
import { spawnSync } from 'node:child_process';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { type ExportEvent, exportProject, mergeCoco } from '@cytorx/writers';
import { firstValueFrom, lastValueFrom, filter as rxFilter, share, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { clientFor, DATASET, readJson, readTree, runExport, tempDir } from './helpers.js';

interface Manifest {
  status: string;
  images: { selected: number[] };
  shard?: { index: number; count: number; images: number[] };
  files?: string[];
}
interface Coco {
  images: Array<{ id: number }>;
}

describe('export output folder: one export, locked, balanced shards', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let project: number;
  let other: number;
  let ids: number[];
  let env: Record<string, string>;
  let home: string;
  const formats = ['geojson', 'mask', 'coco'] as const;
  /** `cytorx export` of the first image into `out`. */
  const exportArgs = (out: string, ...more: string[]) => [
    'export',
    ...['--project', String(project), '--image', String(ids[0]), '--out', out, '--progress', 'none'],
    ...more,
  ];

  beforeAll(async () => {
    emu = await startEmulator({
      dataset: { ...DATASET, projects: 2, imagesPerProject: 8, annotationsPerImage: 4, malformedWkt: false },
    });
    client = clientFor(emu);
    [project, other] = emu.dataset.projects.map((p) => p.id) as [number, number];
    ids = emu.dataset.images
      .filter((im) => im.project === project)
      .map((im) => im.id)
      .sort((a, b) => a - b);
    home = await tempDir('cytorx-folder-cli-');
    env = {
      CYTOMINE_HOST: emu.url,
      CYTOMINE_PUBLIC_KEY: emu.publicKey,
      CYTOMINE_PRIVATE_KEY: emu.privateKey,
    };
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  describe('7: a folder holds one export', () => {
    it('a second export with other images is refused naming the difference; --overwrite removes only what the first wrote', async () => {
      const first = await runExport(client, { project, formats: [...formats], images: ids.slice(0, 3) });
      const manifest = await readJson<Manifest>(first.out, 'manifest.json');
      expect(manifest.files).toEqual(
        expect.arrayContaining(['coco/annotations.json', `masks/${ids[2]}_mask.png`]),
      );
      await writeFile(path.join(first.out, 'notes.txt'), 'mine');
      const again = { project, formats: [...formats], images: ids.slice(0, 1), out: first.out };
      await expect(runExport(client, again)).rejects.toMatchObject({
        code: 'CYTORX_CONFIG',
        message: expect.stringMatching(
          new RegExp(
            `other options \\(images: \\[${ids.slice(0, 3).join(',')}\\] -> \\[${ids[0]}\\]\\).*--overwrite`,
          ),
        ),
      });
      await runExport(client, { ...again, overwrite: true });
      const tree = [...(await readTree(first.out)).keys()];
      expect(tree.sort()).toEqual(
        [
          'classes.json',
          'coco/annotations.json',
          `geojson/${ids[0]}.geojson`,
          'manifest.json',
          `masks/${ids[0]}_mask.png`,
          'notes.txt',
          'report.json',
        ].sort(),
      );
      const coco = await readJson<Coco>(first.out, 'coco/annotations.json');
      expect(coco.images.map((im) => im.id)).toEqual([ids[0]]);
      expect((await readJson<Manifest>(first.out, 'manifest.json')).images.selected).toEqual([ids[0]]);
    });

    it('a non-empty folder that holds no export is refused, even with --overwrite (CLI: exit 2)', async () => {
      const out = await tempDir();
      await writeFile(path.join(out, 'thesis.docx'), 'x');
      await expect(runExport(client, { project, images: ids.slice(0, 1), out })).rejects.toMatchObject({
        code: 'CYTORX_CONFIG',
        message: expect.stringMatching(/not empty and holds no cytorx export \(thesis\.docx\)/),
      });
      const r = await runInProcess(exportArgs(out, '--overwrite'), { env, home });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/thesis\.docx/);
      expect(await readdir(out)).toEqual(['thesis.docx']);
    });

    it('--resume checks host, project and filters, naming what differs', async () => {
      const one = { project, formats: ['geojson' as const], images: ids.slice(0, 2) };
      const { out } = await runExport(client, one);
      const otherHost = clientFor(emu, { host: emu.url.replace('127.0.0.1', 'localhost') });
      try {
        await expect(runExport(otherHost, { ...one, out, resume: true })).rejects.toMatchObject({
          message: expect.stringMatching(
            /cannot resume into .*other options \(host: "http:\/\/127\.0\.0\.1:\d+" -> "http:\/\/localhost:\d+"\)/,
          ),
        });
      } finally {
        await otherHost.close();
      }
      const otherIds = emu.dataset.images.filter((im) => im.project === other).map((im) => im.id);
      await expect(
        runExport(client, { ...one, project: other, images: otherIds.slice(0, 2), out, resume: true }),
      ).rejects.toMatchObject({
        message: expect.stringMatching(new RegExp(`project: ${project} -> ${other}; images: `)),
      });
      await expect(runExport(client, { ...one, users: [1], out, resume: true })).rejects.toMatchObject({
        message: expect.stringMatching(/users: null -> \[1\]/),
      });
      // Same fingerprint: resumes (the export is complete: nothing to do).
      const same = await runExport(client, { ...one, out, resume: true });
      expect(same.summary.images).toMatchObject({ exported: 0, resumed: 2 });
    });
  });

  describe('8: one export at a time per folder', () => {
    it('a second run into a folder in use is refused naming the holder; the lock is gone afterwards', async () => {
      const out = await tempDir();
      const first$ = exportProject(client, { project, formats: [...formats], out, concurrency: 1 }).pipe(
        share(),
      );
      const all = lastValueFrom(first$.pipe(toArray()));
      await firstValueFrom(first$.pipe(rxFilter((e: ExportEvent) => e.type === 'start')));
      await expect(runExport(client, { project, images: ids.slice(0, 1), out })).rejects.toMatchObject({
        code: 'CYTORX_CONFIG',
        message: expect.stringMatching(
          new RegExp(`locked by another export \\(pid ${process.pid} on ${hostname()}`),
        ),
      });
      const events = await all;
      expect(events.at(-1)).toMatchObject({ type: 'done', summary: { complete: true } });
      expect(await readdir(out)).not.toContain('.cytorx.lock');
    });

    it('CLI: a live holder gives exit 2; a dead process’s lock is taken over and said so on stderr', async () => {
      const out = await tempDir();
      const lock = path.join(out, '.cytorx.lock');
      const args = exportArgs(out);
      await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
      const busy = await runInProcess(args, { env, home });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(
        new RegExp(`locked by another export \\(pid ${process.pid} on ${hostname()}`),
      );
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      await writeFile(lock, JSON.stringify({ pid: dead, host: hostname() }));
      const r = await runInProcess(args, { env, home });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`warning: took over the stale lock of .* left by pid ${dead} on ${hostname()}`),
      );
      expect(await readdir(out)).not.toContain('.cytorx.lock');
      expect((await readJson<Manifest>(out, 'manifest.json')).status).toBe('complete');
    });
  });

  describe('9: balanced shards, checked when merged', () => {
    it('8 images in 3 shards: 3/3/2 (hashing gave 3/0/5), by rank of the sorted ids; manifests record the image set', async () => {
      for (const n of [3]) {
        const runs = [];
        for (let i = 0; i < n; i++)
          runs.push(await runExport(client, { project, formats: ['geojson'], shard: `${i}/${n}` }));
        const counts = runs.map((r) => r.summary.images.selected);
        expect(counts).toEqual([3, 3, 2]);
        for (const [i, r] of runs.entries()) {
          const m = await readJson<Manifest>(r.out, 'manifest.json');
          expect(m.shard).toEqual({ index: i, count: n, images: ids });
          expect(m.images.selected).toEqual(ids.filter((_, rank) => rank % n === i));
        }
      }
    });

    it('coco-merge refuses shards of different image sets, overlapping or missing shards, naming them', async () => {
      const shard = async (spec: string, images?: number[]) =>
        (await runExport(client, { project, formats: ['coco'], shard: spec, ...(images ? { images } : {}) }))
          .out;
      const [s0, s1] = [await shard('0/2'), await shard('1/2')];
      const merged = path.join(await tempDir(), 'all.json');
      await mergeCoco([s0, s1], merged);
      expect(
        (JSON.parse(await (await import('node:fs/promises')).readFile(merged, 'utf8')) as Coco).images.map(
          (im) => im.id,
        ),
      ).toEqual(ids);

      const copy = await tempDir();
      await cp(s0, copy, { recursive: true });
      await expect(mergeCoco([s0, copy], merged)).rejects.toThrow(
        new RegExp(`${s0} and ${copy} are both shard 0/2`),
      );
      await expect(mergeCoco([s0], merged)).rejects.toThrow(
        new RegExp(
          `shard 1/2 missing: images ${ids.filter((_, r) => r % 2 === 1).join(', ')} would be left out`,
        ),
      );
      const later = await shard('1/2', ids.slice(0, 6)); // the set changed between the two runs
      await expect(mergeCoco([s0, later], merged)).rejects.toThrow(
        new RegExp(`different image sets \\(images ${ids[6]}, ${ids[7]} only in shard 0/2 \\(${s0}\\)\\)`),
      );
      const cli = await runInProcess(
        ['coco-merge', s0, path.join(later, 'coco', 'annotations.json'), '--out', merged],
        { env, home },
      );
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(/different image sets/);
    });

    it('--help says I counts from 0, and what --overwrite and --resume check', async () => {
      const r = await runInProcess(['export', '--help'], { env, home });
      expect(r.stdout).toMatch(/I counts from 0/);
      expect(r.stdout).toMatch(/--overwrite/);
    });
  });
});
