// The OME-Zarr label writer end to end against the emulator over loopback: an export with
// `omeZarrWriter()` next to the mask writer, compared with the PNG masks of `--zoom k` runs
// (decoded with pngjs) level by level, read back with zarrita; its metadata checked against the
// OME-NGFF 0.4 rules; the CLI refusing --tile with ome-zarr; and the built binary killed with
// SIGKILL part-way through `--writer ome-zarr`, resumed into identical files.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateSync } from 'node:zlib';
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { isTemporaryName, omeZarrWriter } from '@cytorx/writers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstDifference,
  listTree,
  nonEmptyChunks,
  readAttrs,
  readLevel,
} from '../../packages/writers/test/ome-zarr/helpers.js';
import { checkLabelImage, type ZarrayByPath } from '../../packages/writers/test/ome-zarr/ngff-rules.js';
import { runCli, runInProcess, spawnCli } from '../cli/run-cli.js';
import { clientFor, DATASET, readJson, readPng, readTree, runExport, tempDir, treeDiff } from './helpers.js';

/** 2600x2100: levels 2600x2100, 1300x1050, 650x525 (fits in one 1024² chunk), 3x3 chunks on level 0. */
const SLIDES = {
  ...DATASET,
  imagesPerProject: 2,
  annotationsPerImage: 60,
  imageSize: { width: 2600, height: 2100 },
};

describe('ome-zarr writer through the export (emulator)', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let project: number;
  let imageIds: number[];

  beforeAll(async () => {
    emu = await startEmulator({ dataset: SLIDES });
    client = clientFor(emu);
    project = emu.dataset.projects[0]!.id;
    imageIds = emu.dataset.images.filter((im) => im.project === project).map((im) => im.id);
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  it('formats: ome-zarr (the image jobs run it) writes what the writer writes, recorded as one folder per image', async () => {
    const viaWriter = await runExport(client, { project, formats: ['mask'], writers: [omeZarrWriter()] });
    const viaFormat = await runExport(client, { project, formats: ['mask', 'ome-zarr'], workers: 0 });
    expect(viaFormat.summary.complete).toBe(true);
    const labels = (t: Map<string, Buffer>) => new Map([...t].filter(([k]) => k.startsWith('labels/')));
    const a = labels(await readTree(viaWriter.out));
    expect(a.size).toBeGreaterThan(imageIds.length * 4);
    expect(treeDiff(a, labels(await readTree(viaFormat.out)))).toEqual([]);
    const report = await readJson<{ images: Array<{ id: number; files: Record<string, string[]> }> }>(
      viaFormat.out,
      'report.json',
    );
    for (const image of report.images) expect(image.files['ome-zarr']).toEqual([`labels/${image.id}.zarr`]);
    await expect(
      runExport(client, { project, formats: ['ome-zarr'], tile: { size: 512 } }),
    ).rejects.toMatchObject({ code: 'CYTORX_CONFIG', message: expect.stringMatching(/ome-zarr.*tiles/) });
  });

  it('level 0 is the PNG mask, level k the --zoom k PNG mask, pixel for pixel; chunks only where the mask is not 0', async () => {
    const zarr = await runExport(client, { project, formats: ['mask'], writers: [omeZarrWriter()] });
    expect(zarr.summary.complete).toBe(true);
    const zooms = [zarr.out];
    for (const zoom of [1, 2])
      zooms.push((await runExport(client, { project, formats: ['mask'], zoom })).out);
    let painted = 0;
    let absent = 0;
    for (const id of imageIds) {
      const files = await listTree(path.join(zarr.out, `labels/${id}.zarr`));
      for (const [k, dir] of zooms.entries()) {
        const png = await readPng(dir, `masks/${id}_mask.png`);
        const pixels = new Uint8Array(png.width * png.height);
        for (let i = 0; i < pixels.length; i++) pixels[i] = png.data[i * 4]!;
        const level = await readLevel(zarr.out, `labels/${id}.zarr`, k);
        expect(level.shape).toEqual([png.height, png.width]);
        expect(firstDifference(level.data, pixels, png.width), `image ${id} level ${k}`).toBeUndefined();
        const chunks = files
          .filter((f) => f.startsWith(`${k}/`) && !f.endsWith('.zarray'))
          .map((f) => f.slice(2));
        expect(chunks.sort(), `image ${id} level ${k}`).toEqual(
          nonEmptyChunks(pixels, png.width, png.height, 1024),
        );
        painted += pixels.filter((v) => v !== 0).length;
        absent += Math.ceil(png.width / 1024) * Math.ceil(png.height / 1024) - chunks.length;
      }
      expect(files.filter((f) => f.endsWith('.zarray'))).toEqual(['0/.zarray', '1/.zarray', '2/.zarray']);
    }
    expect(painted).toBeGreaterThan(100_000);
    expect(absent).toBeGreaterThan(0); // some chunks are all background, and left out
    const report = await readJson<{ writers: Array<{ writer: string }> }>(zarr.out, 'report.json');
    expect(report.writers.map((w) => w.writer)).toContain('ome-zarr');
  });

  it('metadata: OME-NGFF 0.4 multiscales + image-label, micrometres where the image has a resolution, term colours', async () => {
    const { out } = await runExport(client, { project, formats: ['geojson'], writers: [omeZarrWriter()] });
    const classes = await readJson<{ classes: Array<{ id: number; color?: string }> }>(out, 'classes.json');
    for (const image of emu.dataset.images.filter((im) => im.project === project)) {
      const dir = `labels/${image.id}.zarr`;
      const attrs = await readAttrs(out, dir);
      const arrays: ZarrayByPath = {};
      for (const k of ['0', '1', '2']) {
        arrays[k] = JSON.parse(await readFile(path.join(out, dir, k, '.zarray'), 'utf8')) as unknown;
      }
      expect(checkLabelImage(attrs, arrays), `image ${image.id}`).toEqual([]);
      const ms = (attrs.multiscales as Array<{ axes: Array<{ unit?: string }>; datasets: unknown[] }>)[0]!;
      const px = image.physicalSizeX;
      expect(ms.axes.map((a) => a.unit)).toEqual(
        px === null ? [undefined, undefined] : ['micrometer', 'micrometer'],
      );
      const scale0 = (ms.datasets[2] as { coordinateTransformations: Array<{ scale: number[] }> })
        .coordinateTransformations[0]!.scale;
      expect(scale0).toEqual(px === null ? [4, 4] : [px * 4, px * 4]);
      const colors = (attrs['image-label'] as { colors: Array<{ 'label-value': number; rgba: number[] }> })
        .colors;
      for (const c of classes.classes.filter((x) => x.color !== undefined)) {
        const hex = c.color!.slice(1);
        const rgb = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
        expect(colors.find((x) => x['label-value'] === c.id)?.rgba).toEqual([...rgb, 255]);
      }
    }
    expect(emu.dataset.images.filter((im) => im.project === project).map((im) => im.physicalSizeX)).toContain(
      null,
    );
  });

  it('cytorx export refuses --tile with ome-zarr (as --writer or --format), exit code 2', async () => {
    const home = await tempDir('cytorx-omezarr-cli-');
    const env = {
      CYTOMINE_HOST: emu.url,
      CYTOMINE_PUBLIC_KEY: emu.publicKey,
      CYTOMINE_PRIVATE_KEY: emu.privateKey,
    };
    for (const flags of [
      ['--writer', 'ome-zarr'],
      ['--format', 'mask,ome-zarr'],
    ]) {
      const args = ['export', '--project', String(project), '--out', 'x', '--tile', '512', ...flags];
      const { code, stderr } = await runInProcess(args, { env, home });
      expect(code).toBe(2);
      expect(stderr).toMatch(/--tile cannot be used with ome-zarr: OME-Zarr is already chunked/);
    }
  });
});

describe('ome-zarr: killed with SIGKILL, resumed (built binary)', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ dataset: { ...SLIDES, imagesPerProject: 8, annotationsPerImage: 40 } });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('no half-written chunk under a final name, and the resumed run writes every file of an uninterrupted one', async () => {
    const home = await tempDir('cytorx-omezarr-kill-');
    const env = {
      CYTOMINE_HOST: emu.url,
      CYTOMINE_PUBLIC_KEY: emu.publicKey,
      CYTOMINE_PRIVATE_KEY: emu.privateKey,
    };
    const project = emu.dataset.projects[0]!.id;
    const args = ['export', '--project', String(project), '--format', 'mask', '--writer', 'ome-zarr'];
    const ref = await runCli([...args, '--out', 'ref', '--page-size', '10'], {
      env,
      home,
      timeoutMs: 120_000,
    });
    expect(ref.code, ref.stderr).toBe(0);
    const reference = await readTree(path.join(home, 'ref'));
    expect([...reference.keys()].filter((k) => k.startsWith('labels/')).length).toBeGreaterThan(8 * 5);

    emu.setFaults({ latencyMs: 40 });
    const out = path.join(home, 'killed');
    const child = spawnCli([...args, '--out', out, '--page-size', '10', '--progress', 'none'], { env, home });
    const exited = new Promise<string | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    let complete: number[] = [];
    for (let i = 0; i < 800 && complete.length < 2; i++) {
      await sleep(25);
      complete = await readJson<{ images: { complete: number[] } }>(out, 'manifest.json')
        .then((m) => m.images.complete)
        .catch(() => []);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    emu.setFaults({});
    expect(complete.length).toBeGreaterThanOrEqual(2);
    expect(complete.length).toBeLessThan(8);

    const killed = await readTree(out);
    for (const [name, bytes] of killed) {
      if (!name.startsWith('labels/') || isTemporaryName(name)) continue;
      if (name.endsWith('.zattrs') || name.endsWith('.zarray') || name.endsWith('.zgroup')) {
        expect(() => JSON.parse(bytes.toString()), name).not.toThrow();
      } else expect(inflateSync(bytes).length, name).toBe(1024 * 1024);
    }
    const resumed = await runCli([...args, '--out', 'killed', '--page-size', '10', '--resume'], {
      env,
      home,
      timeoutMs: 120_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/\d+ from an earlier run/);
    // overview.html shows when each run happened; its pictures are the same.
    expect(treeDiff(reference, await readTree(out), ['overview.html'])).toEqual([]);
  });
});
