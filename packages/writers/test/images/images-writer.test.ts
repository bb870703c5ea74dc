import path from 'node:path';
import {
  type Annotation,
  type Canvas,
  type ClientEvent,
  type CytomineClient,
  createClient,
  getImage,
  type ImageBatch,
  type ImageInstance,
  imageBatch,
  isCytorxError,
  parseWkt,
  scale,
  tileBatch,
  toImageSpace,
} from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { imagesWriter, maskWriter, writeTo } from '@cytorx/writers';
import { firstValueFrom, from, lastValueFrom, of, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCoords, firstDiff, listFiles, makeContext, oracle, readPng, rgb } from './helpers.js';

const W = 300;
const H = 200;

let emu: Emulator;
let client: CytomineClient;
let image: ImageInstance;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 7,
      projects: 1,
      imagesPerProject: 1,
      annotationsPerImage: 0,
      imageSize: { width: W, height: H },
    },
  });
  client = createClient({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey });
  image = await firstValueFrom(getImage(client, emu.dataset.images[0]!.id));
  expect([image.width, image.height]).toEqual([W, H]);
});

afterAll(async () => {
  await client?.close();
  await emu?.close();
});

const windowRequests = () =>
  emu.stats().byRoute['/api/imageinstance/{id}/window-{x}-{y}-{w}-{h}.{format}'] ?? 0;

/** Writes `batches` with a fresh context and returns it. */
async function run(batches: ImageBatch[], options: Partial<Parameters<typeof imagesWriter>[0]> = {}) {
  const t = await makeContext();
  const writer = imagesWriter({ client, ...options });
  for (const b of batches) await writer.write(b, t.ctx);
  const summary = await writer.close(t.ctx);
  return { ...t, summary };
}

/** The error a hook's result rejects with (undefined when it succeeds). */
async function caught(result: void | Promise<void>): Promise<unknown> {
  try {
    await result;
    return undefined;
  } catch (err) {
    return err;
  }
}

async function expectCanvas(file: string, canvas: Canvas, sw = W, sh = H): Promise<void> {
  const img = await readPng(file);
  expect([img.width, img.height]).toEqual([canvas.width, canvas.height]);
  expect(img.colorType).toBe(2); // RGB
  expect(firstDiff(rgb(img), oracle(canvas, sw, sh), canvas.width)).toBeUndefined();
}

describe('imagesWriter', () => {
  it('writes an untiled image whose every pixel decodes to its own coordinates', async () => {
    emu.resetStats();
    const { root, summary, warnings } = await run([imageBatch(image)]);
    expect(await listFiles(root)).toEqual([`images/${image.id}.png`]);
    const img = await readPng(path.join(root, `images/${image.id}.png`));
    expect([img.width, img.height]).toEqual([W, H]);
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < W; i++) {
        const o = 4 * (j * W + i);
        const got = decodeCoords(img.data[o]!, img.data[o + 1]!, img.data[o + 2]!);
        if (got[0] !== i || got[1] !== j) expect.fail(`pixel (${i}, ${j}) decodes to ${got}`);
      }
    }
    expect(windowRequests()).toBe(1);
    expect(summary).toMatchObject({
      writer: 'images',
      files: [`images/${image.id}.png`],
      items: 1,
      warnings: 0,
    });
    expect(summary.details).toMatchObject({ windows: 1, sourcePixels: W * H });
    expect(warnings).toEqual([]);
  });

  it('stitches a region spanning many windows seamlessly, with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const onEvent = (e: ClientEvent) => {
      if (!e.path.includes('/window-')) return;
      if (e.type === 'request') peak = Math.max(peak, ++inFlight);
      else if (e.type === 'response' || e.type === 'error') inFlight--;
    };
    const counting = createClient({
      host: emu.url,
      publicKey: emu.publicKey,
      privateKey: emu.privateKey,
      onEvent,
    });
    emu.setFaults({ latencyMs: 15 });
    emu.resetStats();
    try {
      const { root, summary } = await run([imageBatch(image)], {
        client: counting,
        maxWindow: 64,
        concurrency: 3,
      });
      await expectCanvas(path.join(root, `images/${image.id}.png`), imageBatch(image).canvas);
      expect(windowRequests()).toBe(5 * 4); // ceil(300/64) x ceil(200/64)
      expect(summary.details).toMatchObject({ windows: 20, sourcePixels: W * H });
      expect(peak).toBe(3);
    } finally {
      emu.setFaults({});
      await counting.close();
    }
  });

  it.each([
    [1 / 2, 2048],
    [1 / 4, 2048],
    [1 / 4, 40], // windows of 40 source px = 10 blocks
    [1 / 8, 2048], // 300/8 = 37.5: the last column and row average partial blocks
    [1 / 64, 48], // a block spans several windows; partial blocks at the edge
  ])('downsamples at scale %s (maxWindow %s) to the exact box average', async (s, maxWindow) => {
    const batch = imageBatch(image, [], s);
    expect(batch.canvas).toMatchObject({ width: Math.ceil(W * s), height: Math.ceil(H * s) });
    const { root } = await run([batch], { maxWindow });
    await expectCanvas(path.join(root, `images/${image.id}.png`), batch.canvas);
  });

  it('writes tiles at their offsets, edge tiles truncated (scale 1 and 1/2)', async () => {
    const full = [...tileBatch(imageBatch(image), { size: 128 })];
    const half = [...tileBatch(imageBatch(image, [], 0.5), { size: 64, overlap: 8 })];
    const { root, summary } = await run(full);
    expect(full.map((b) => [b.canvas.x, b.canvas.y, b.canvas.width, b.canvas.height])).toEqual([
      [0, 0, 128, 128],
      [128, 0, 128, 128],
      [256, 0, 44, 128],
      [0, 128, 128, 72],
      [128, 128, 128, 72],
      [256, 128, 44, 72],
    ]);
    const names = full.map((b) => `images/${image.id}/${b.canvas.x}_${b.canvas.y}.png`);
    expect(await listFiles(root)).toEqual([...names].sort());
    expect(summary.files).toEqual([...names].sort());
    for (const b of full)
      await expectCanvas(path.join(root, `images/${image.id}/${b.canvas.x}_${b.canvas.y}.png`), b.canvas);

    const second = await run(half);
    expect(half.length).toBe(3 * 2);
    for (const b of half) {
      await expectCanvas(
        path.join(second.root, `images/${image.id}/${b.canvas.x}_${b.canvas.y}.png`),
        b.canvas,
      );
    }
  });

  it('places windows the server clipped at the image edge, leaves the rest black, and warns', async () => {
    // The metadata says 320x230, the server's image is 300x200: edge windows come back smaller.
    const bigger = { ...image, width: 320, height: 230 };
    const batch = imageBatch(bigger, [], 1);
    const { root, warnings } = await run([batch], { maxWindow: 128 });
    await expectCanvas(path.join(root, `images/${image.id}.png`), batch.canvas, W, H);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'OTHER', stage: 'images', imageId: image.id, skipped: false });
    expect(warnings[0]!.message).toMatch(/4 window\(s\) came back smaller/);

    // Downsampled: partial blocks average only what the server returned.
    const half = imageBatch(bigger, [], 0.5);
    const second = await run([half], { maxWindow: 128 });
    await expectCanvas(path.join(second.root, `images/${image.id}.png`), half.canvas, W, H);
  });

  it('writes a black tile without any request when the canvas is outside the image', async () => {
    emu.resetStats();
    const batch: ImageBatch = {
      image,
      canvas: { x: 400, y: 0, width: 16, height: 8, scale: 1 },
      tile: { col: 9, row: 0 },
      features: [],
    };
    const { root } = await run([batch]);
    const img = await readPng(path.join(root, `images/${image.id}/400_0.png`));
    expect([img.width, img.height]).toEqual([16, 8]);
    expect(rgb(img).every((v) => v === 0)).toBe(true);
    expect(windowRequests()).toBe(0);
  });

  it('refuses a whole slide at full resolution before any download, and accepts tiles or zoom', async () => {
    emu.resetStats();
    const slide = { id: image.id, width: 100_000, height: 100_000 };
    const t = await makeContext();
    const writer = imagesWriter({ client });
    const err = await caught(writer.write(imageBatch(slide), t.ctx));
    expect(isCytorxError(err) && err.code).toBe('CYTORX_CONFIG');
    expect((err as Error).message).toMatch(/100000x100000/);
    expect((err as Error).message).toMatch(/--tile/);
    expect((err as Error).message).toMatch(/--zoom/);
    expect(windowRequests()).toBe(0);
    expect(await listFiles(t.root)).toEqual([]);

    // The same limit on a small image: refused whole, accepted as tiles or downsampled.
    const small = imagesWriter({ client, maxPixels: 10_000 });
    await expect(small.write(imageBatch(image), t.ctx)).rejects.toMatchObject({ code: 'CYTORX_CONFIG' });
    await small.write([...tileBatch(imageBatch(image), { size: 100 })][0]!, t.ctx);
    await small.write(imageBatch(image, [], 1 / 4), t.ctx);
    // maxSourcePixels bounds the download whatever the scale.
    const capped = imagesWriter({ client, maxSourcePixels: 10_000 });
    await expect(capped.write(imageBatch(image, [], 1 / 4), t.ctx)).rejects.toThrow(/maxSourcePixels/);
  });

  it('runs under writeTo next to the mask writer (public contract)', async () => {
    const t = await makeContext();
    const batches = [...tileBatch(imageBatch(image, [], 0.5), { size: 100 })];
    const done = await lastValueFrom(
      from(batches).pipe(writeTo(t.ctx, maskWriter(), imagesWriter({ client })), toArray()),
    );
    const last = done.at(-1);
    expect(last).toMatchObject({ type: 'done', complete: true, batches: 2, errors: [] });
    const summary = last?.type === 'done' ? last.summaries[1] : undefined;
    expect(summary?.files).toEqual([`images/${image.id}/0_0.png`, `images/${image.id}/100_0.png`]);
    expect((await listFiles(t.root)).filter((f) => f.startsWith('images/'))).toEqual(summary?.files);
  });

  it('validates its options', () => {
    expect(() => imagesWriter({} as never)).toThrow(/client/);
    expect(() => imagesWriter({ client, maxWindow: 0 })).toThrow(/maxWindow/);
    expect(() => imagesWriter({ client, concurrency: 1.5 })).toThrow(/concurrency/);
    expect(() => imagesWriter({ client, maxPixels: -1 })).toThrow(/maxPixels/);
  });

  it('refuses a canvas scale that is not 1/n', async () => {
    const t = await makeContext();
    const batch = { ...imageBatch(image), canvas: { x: 0, y: 0, width: 450, height: 300, scale: 1.5 } };
    await expect(imagesWriter({ client }).write(batch, t.ctx)).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
    });
  });

  it('fails the write when a window cannot be downloaded, leaving no file', async () => {
    const noRetry = createClient({
      host: emu.url,
      publicKey: emu.publicKey,
      privateKey: emu.privateKey,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    emu.setFaults({ failureRate: 1, failureCodes: [500] });
    try {
      const t = await makeContext();
      const err = await caught(
        imagesWriter({ client: noRetry, maxWindow: 64 }).write(imageBatch(image), t.ctx),
      );
      expect(err).toMatchObject({ code: 'CYTORX_HTTP', status: 500 });
      expect(await listFiles(t.root)).toEqual([]);
    } finally {
      emu.setFaults({});
      await noRetry.close();
    }
  });

  it('cancels downloads in flight when ctx.signal aborts, leaving no file', async () => {
    // Windows take 2 s to come: a write that ends well before that cancelled its requests
    // (a wide margin, so a loaded machine does not make the test fail).
    emu.setFaults({ latencyMs: 2000 });
    try {
      const t = await makeContext();
      const started = Date.now();
      const pending = imagesWriter({ client, maxWindow: 64 }).write(imageBatch(image), t.ctx);
      setTimeout(() => t.controller.abort(), 50);
      await expect(pending).rejects.toMatchObject({ code: 'CYTORX_ABORTED' });
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await listFiles(t.root)).toEqual([]);
      // An already aborted signal fails at once.
      await expect(imagesWriter({ client }).write(imageBatch(image), t.ctx)).rejects.toMatchObject({
        code: 'CYTORX_ABORTED',
      });
    } finally {
      emu.setFaults({});
    }
  });
});

describe('alignment with the mask writer', () => {
  // A rectangle in Cytomine's frame (origin bottom-left): x in [48, 120), y_up in [112, 168),
  // i.e. image rows [H-168, H-112) = [32, 88). Edges on multiples of 8: no pixel centre on them.
  const annotation: Annotation = {
    id: 1,
    term: [],
    location: 'POLYGON ((48 112, 120 112, 120 168, 48 168, 48 112))',
  };
  const rect = { x0: 48, x1: 120, y0: 32, y1: 88 };

  async function batches(s: number, tileSize?: number): Promise<ImageBatch[]> {
    const features = await lastValueFrom(
      of({ ...annotation, image: image.id }).pipe(
        parseWkt({ images: image }),
        toImageSpace(),
        scale(s),
        toArray(),
      ),
    );
    const whole = imageBatch(image, features, s);
    return tileSize === undefined ? [whole] : [...tileBatch(whole, { size: tileSize })];
  }

  it.each([
    [1, undefined],
    [1 / 2, undefined],
    [1 / 4, undefined],
    [1, 96],
    [1 / 2, 48],
  ])('mask pixels coincide with the image pixels of the region (scale %s, tile %s)', async (s, tileSize) => {
    const t = await makeContext();
    const mask = maskWriter();
    const images = imagesWriter({ client });
    const list = await batches(s, tileSize);
    let filled = 0;
    for (const b of list) {
      await mask.write(b, t.ctx);
      await images.write(b, t.ctx);
      const key = tileSize === undefined ? `${image.id}` : `${image.id}/${b.canvas.x}_${b.canvas.y}`;
      const m = await readPng(
        path.join(t.root, tileSize === undefined ? `masks/${key}_mask.png` : `masks/${key}.png`),
      );
      const img = await readPng(path.join(t.root, `images/${key}.png`));
      expect([img.width, img.height]).toEqual([m.width, m.height]);
      for (let p = 0; p < m.width * m.height; p++) {
        // The image pixel encodes the centre of its block in full-resolution coordinates
        // (rounded up by half a pixel); the mask fills a pixel whose centre is in the rectangle.
        const [cx, cy] = decodeCoords(img.data[4 * p]!, img.data[4 * p + 1]!, img.data[4 * p + 2]!);
        const half = s === 1 ? 0.5 : 0;
        const inside =
          cx + half > rect.x0 && cx + half < rect.x1 && cy + half > rect.y0 && cy + half < rect.y1;
        const painted = m.data[4 * p] !== 0;
        if (inside !== painted) {
          expect.fail(
            `tile ${key} pixel (${p % m.width}, ${Math.floor(p / m.width)}): mask ${painted}, image centre (${cx}, ${cy})`,
          );
        }
        if (painted) filled++;
      }
    }
    expect(filled).toBe((rect.x1 - rect.x0) * s * (rect.y1 - rect.y0) * s);
  });
});
