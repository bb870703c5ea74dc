/// <reference lib="dom" />
// overview.html in a real headless browser (Debian's chromium, driven by playwright-core):
// no console error, no broken image, every image listed with the report's counts, the mask
// toggle works, and the screenshot is not blank. Without chromium this FAILS (CI installs it).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CytomineClient, createClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { buildOverview, exportProject } from '@cytorx/writers';
import { type BrowserContext, chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CYTORX_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens Debian's chromium headless with a fresh profile; fails (never skips) when it is missing. */
async function openBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: the overview browser test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`,
    );
  }
  const profile = await mkdtemp(path.join(tmpdir(), 'cytorx-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

let emu: Emulator;
let client: CytomineClient;
let out: string;
let emptyImage: number;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 21,
      projects: 1,
      imagesPerProject: 4,
      annotationsPerImage: 30,
      imageSize: { width: 1200, height: 800 },
    },
  });
  const project = emu.dataset.projects[0]!.id;
  emptyImage = emu.dataset.images.find((i) => i.project === project)!.id;
  emu.dataset.annotations = emu.dataset.annotations.filter((a) => a.image !== emptyImage);
  client = createClient({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey });
  out = await mkdtemp(path.join(tmpdir(), 'cytorx-overview-browser-'));
  await lastValueFrom(
    exportProject(client, { project, out, formats: ['geojson', 'mask', 'coco'], tile: { size: 512 } }),
  );
  await buildOverview(out, { client });
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

describe('overview.html in headless chromium', () => {
  it('loads without errors or broken images, lists every image with its counts, and renders', async () => {
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
      images: Array<{ id: number; annotations: number; classes: Record<string, number> }>;
    };
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path.join(out, 'overview.html')).href, { waitUntil: 'load' });

      const images = await page.evaluate(() =>
        [...document.images].map((i) => ({ src: i.src, complete: i.complete, natural: i.naturalWidth })),
      );
      expect(images.length).toBeGreaterThanOrEqual(2 * report.images.length);
      for (const img of images) expect(img, img.src).toMatchObject({ complete: true });
      expect(images.filter((i) => i.natural === 0).map((i) => i.src)).toEqual([]);
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true);

      const cards = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('article.card')].map((c) => ({
          id: Number(c.dataset.imageId),
          annotations: Number(c.dataset.annotations),
          title: c.querySelector('h2')?.textContent ?? '',
          rows: [...c.querySelectorAll<HTMLTableRowElement>('tr[data-class-id]')].map((r) => [
            r.dataset.classId,
            r.cells[1]?.textContent?.trim(),
          ]),
          flagged: c.querySelector('[data-flag="no-annotations"]') !== null,
        })),
      );
      expect(cards.map((c) => c.id)).toEqual(report.images.map((i) => i.id));
      for (const [k, image] of report.images.entries()) {
        expect(cards[k]!.annotations).toBe(image.annotations);
        expect(cards[k]!.title).toContain(`#${image.id}`);
        expect(Object.fromEntries(cards[k]!.rows)).toEqual(
          Object.fromEntries(Object.entries(image.classes).map(([id, n]) => [id, n.toLocaleString('en-US')])),
        );
        expect(cards[k]!.flagged).toBe(image.id === emptyImage);
      }

      // The "masks" toggle hides every overlay (CSS only).
      const overlayVisibility = () =>
        page.evaluate(() => getComputedStyle(document.querySelector('img.overlay')!).visibility);
      expect(await overlayVisibility()).toBe('visible');
      await page.click('label[for=show-masks]');
      expect(await overlayVisibility()).toBe('hidden');
      await page.click('label[for=show-masks]');

      const shot = PNG.sync.read(await page.screenshot());
      const colours = new Set<number>();
      for (let p = 0; p < shot.data.length; p += 4) {
        colours.add((shot.data[p]! << 16) | (shot.data[p + 1]! << 8) | shot.data[p + 2]!);
      }
      expect(colours.size).toBeGreaterThan(500);
      const slide = PNG.sync.read(await page.locator('.slide').first().screenshot());
      const slideColours = new Set<number>();
      for (let p = 0; p < slide.data.length; p += 4) {
        slideColours.add((slide.data[p]! << 16) | (slide.data[p + 1]! << 8) | slide.data[p + 2]!);
      }
      expect(slideColours.size).toBeGreaterThan(200);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
