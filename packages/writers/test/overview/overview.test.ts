// buildOverview on real exports from the emulator: counts against the decoded masks, the
// thumbnail sources, tiles, mask-only exports, the Cytomine frame, failures and atomicity.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { AbortedError, ConfigError, type CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOverview } from '../../src/index.js';
import { clientFor, decodeSlide, exportTo, parseCards, readPng } from './helpers.js';

let emu: Emulator;
let client: CytomineClient;
let project: number;
let emptyImage: number;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 5,
      projects: 1,
      imagesPerProject: 4,
      annotationsPerImage: 25,
      imageSize: { width: 900, height: 700 },
    },
  });
  project = emu.dataset.projects[0]!.id;
  // One image without any annotation.
  emptyImage = emu.dataset.images.find((i) => i.project === project)!.id;
  emu.dataset.annotations = emu.dataset.annotations.filter((a) => a.image !== emptyImage);
  client = clientFor(emu);
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

type Report = {
  images: Array<{
    id: number;
    annotations: number;
    features: number;
    classes: Record<string, number>;
    files: Record<string, string[]>;
  }>;
};
const readReport = async (dir: string) =>
  JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as Report;

describe('buildOverview', () => {
  it('one card per image with the report counts; mask pixels per class equal the decoded masks', async () => {
    const out = await exportTo(client, { project, formats: ['geojson', 'mask', 'coco'] });
    const summary = await buildOverview(out, { client, builtAt: new Date(0) });
    expect(summary).toMatchObject({ images: 4, thumbnails: { server: 4, export: 0, none: 0 } });
    expect(summary.html).toBe(path.join(out, 'overview.html'));
    const html = await readFile(summary.html, 'utf8');
    expect(html).toContain('1970-01-01 00:00:00 UTC');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/); // self-contained
    const report = await readReport(out);
    const cards = parseCards(html);
    expect(cards.map((c) => c.id)).toEqual(report.images.map((i) => i.id));
    for (const [k, image] of report.images.entries()) {
      const c = cards[k]!;
      expect(Number(c.attrs.annotations)).toBe(image.annotations);
      expect(Number(c.attrs.features)).toBe(image.features);
      expect(Object.fromEntries([...c.classes].map(([id, v]) => [String(id), v.count]))).toEqual(
        image.classes,
      );
      const mask = await readPng(path.join(out, image.files.mask![0]!));
      const histogram = new Map<number, number>();
      for (let p = 0; p < mask.data.length; p += 4) {
        const v = mask.data[p]!;
        if (v !== 0) histogram.set(v, (histogram.get(v) ?? 0) + 1);
      }
      for (const [id, v] of c.classes)
        expect(v.maskPx, `image ${image.id} class ${id}`).toBe(histogram.get(id) ?? 0);
      expect(existsSync(path.join(out, 'overview', `${image.id}.jpg`))).toBe(true);
      expect(html).toContain(
        `href="coco/annotations.json" title="coco/annotations.json: images with image_id ${image.id}"`,
      );
      expect(html).toContain(`href="${image.files.geojson![0]}"`);
    }
    const empty = cards.find((c) => c.id === emptyImage)!;
    expect(empty.attrs.annotations).toBe('0');
    expect(html).toMatch(new RegExp(`id="image-${emptyImage}"[^>]*>[\\s\\S]*?data-flag="no-annotations"`));
  });

  it('tiled export with images: thumbnails from the exported pixels (same samples as the server), tile grid drawn', async () => {
    const out = await exportTo(client, {
      project,
      formats: ['geojson', 'mask'],
      tile: { size: 256, select: 'annotated' },
      withImages: true,
    });
    const summary = await buildOverview(out, { client, maxSize: 300, format: 'png' });
    // The image without annotations has no tile written: its thumbnail comes from the server.
    expect(summary.thumbnails).toEqual({ server: 1, export: 3, none: 0 });
    const report = await readReport(out);
    const server = await exportTo(client, { project, formats: ['geojson'] });
    await buildOverview(server, { client, maxSize: 300, format: 'png' });
    for (const image of report.images.filter((i) => i.id !== emptyImage)) {
      const mine = await readPng(path.join(out, 'overview', `${image.id}.png`));
      const theirs = await readPng(path.join(server, 'overview', `${image.id}.png`));
      expect([mine.width, mine.height]).toEqual([theirs.width, theirs.height]);
      const overlay = await readPng(path.join(out, 'overview', `${image.id}.overlay.png`));
      let same = 0;
      let grid = 0;
      for (let p = 0; p < mine.data.length; p += 4) {
        const written = !(overlay.data[p + 3] === 130 && overlay.data[p] === 0); // not a darkened unwritten tile
        if (written && decodeSlide(mine.data, p).join() === decodeSlide(theirs.data, p).join()) same++;
        if (overlay.data[p + 3] === 200) grid++;
      }
      expect(same).toBeGreaterThan(mine.width * mine.height * 0.1);
      // Tile borders at x = 256 and y = 256 canvas px (scale 1): a dashed column and row.
      expect(grid).toBeGreaterThan(mine.height / 2);
    }
    const html = await readFile(summary.html, 'utf8');
    expect(html).toMatch(/GeoJSON \(\d+ tiles\)/);
    expect(html).toMatch(/of 12 tiles written/); // 900x700 in 256 px tiles: 4 x 3
  });

  it('mask-only exports are sampled; the Cytomine frame and the QuPath flavour give the same overlay', async () => {
    const images = await exportTo(client, { project, formats: ['geojson'], multiTerm: 'duplicate' });
    const cytomine = await exportTo(client, {
      project,
      formats: ['geojson'],
      multiTerm: 'duplicate',
      coords: 'cytomine',
    });
    const qupath = await exportTo(client, {
      project,
      formats: ['geojson'],
      multiTerm: 'duplicate',
      geojsonFlavor: 'qupath',
    });
    const masks = await exportTo(client, { project, formats: ['mask'], multiTerm: 'duplicate' });
    for (const dir of [images, cytomine, qupath, masks]) await buildOverview(dir, { thumbnails: 'none' });
    expect((await buildOverview(masks, { thumbnails: 'none' })).overlays).toEqual({
      geojson: 0,
      mask: 4,
      none: 0,
    });
    for (const image of (await readReport(images)).images) {
      const a = await readFile(path.join(images, 'overview', `${image.id}.overlay.png`));
      const b = await readFile(path.join(cytomine, 'overview', `${image.id}.overlay.png`));
      expect(b.equals(a)).toBe(true);
      const q = await readFile(path.join(qupath, 'overview', `${image.id}.overlay.png`));
      expect(q.equals(a)).toBe(true);
      const fromGeojson = await readPng(path.join(images, 'overview', `${image.id}.overlay.png`));
      const fromMask = await readPng(path.join(masks, 'overview', `${image.id}.overlay.png`));
      let painted = 0;
      let agree = 0;
      for (let p = 0; p < fromMask.data.length; p += 4) {
        if (fromGeojson.data[p + 3] !== 115) continue;
        painted++;
        if (fromMask.data[p + 3]! > 0 && fromMask.data[p] === fromGeojson.data[p]) agree++;
      }
      expect(agree).toBeGreaterThanOrEqual(painted * 0.9);
    }
  });

  it('server failures become notes; after 3 in a row no more thumbnails are asked for', async () => {
    const out = await exportTo(client, { project, formats: ['geojson'] });
    const failing = clientFor(emu, 1);
    emu.setFaults({ failureRate: 1, failureCodes: [500] });
    emu.resetStats();
    try {
      const s = await buildOverview(out, { client: failing, concurrency: 1 });
      expect(s.thumbnails).toEqual({ server: 0, export: 0, none: 4 });
      expect(s.notes).toBe(4);
      expect(emu.stats().byRoute['/api/imageinstance/{id}/thumb.{format}']).toBe(3);
      const html = await readFile(s.html, 'utf8');
      expect(html).toContain('/api/imageinstance/');
      expect(html).toContain('failed several times in a row');
    } finally {
      emu.setFaults({});
      await failing.close();
    }
  });

  it('replaces the previous overview atomically; an aborted build leaves it as it was', async () => {
    const out = await exportTo(client, { project, formats: ['geojson'] });
    await buildOverview(out, { thumbnails: 'none' });
    const before = await readFile(path.join(out, 'overview.html'));
    const controller = new AbortController();
    controller.abort();
    await expect(buildOverview(out, { client, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect((await readFile(path.join(out, 'overview.html'))).equals(before)).toBe(true);
    await buildOverview(out, { client });
    const files = await readdir(out);
    expect(files.filter((f) => f.includes('cytorx-tmp'))).toEqual([]);
    expect((await readdir(path.join(out, 'overview'))).some((f) => f.endsWith('.jpg'))).toBe(true);
  });

  it('refuses a folder without an export report and invalid options, naming them', async () => {
    const out = await exportTo(client, { project, formats: ['geojson'] });
    await rm(path.join(out, 'report.json'));
    await expect(buildOverview(out)).rejects.toThrow(/report\.json.*finished cytorx export/);
    for (const options of [
      { maxSize: 1024 },
      { maxSize: 8 },
      { concurrency: 0 },
      { thumbnails: 'server' as const },
    ]) {
      await expect(buildOverview(out, options)).rejects.toBeInstanceOf(ConfigError);
    }
  });
});
