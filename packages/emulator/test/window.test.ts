import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { call, raw } from './helpers.js';

let emu: Emulator;
let imageId: number;
let width: number;
let height: number;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: { seed: 9, projects: 1, imagesPerProject: 2, annotationsPerImage: 1 },
  });
  const img = emu.dataset.images[0]!;
  imageId = img.id;
  width = img.width;
  height = img.height;
});
afterAll(() => emu.close());

const expected = (x: number, y: number) => [x & 255, y & 255, (((x >> 8) & 15) << 4) | ((y >> 8) & 15)];

async function png(path: string): Promise<PNG> {
  const r = await raw(emu, 'GET', path);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('image/png');
  return PNG.sync.read(Buffer.from(await r.arrayBuffer()));
}

describe('image windows', () => {
  it('returns a PNG whose pixel (i, j) encodes its top-left coordinates (x + i, y + j)', async () => {
    const [x, y, w, h] = [300, 700, 40, 30];
    const img = await png(`/api/imageinstance/${imageId}/window-${x}-${y}-${w}-${h}.png`);
    expect([img.width, img.height]).toEqual([w, h]);
    for (const [i, j] of [
      [0, 0],
      [39, 0],
      [0, 29],
      [17, 23],
    ] as const) {
      const o = (j * w + i) * 4;
      expect([img.data[o], img.data[o + 1], img.data[o + 2]]).toEqual(expected(x + i, y + j));
    }
  });

  it('clips windows partly outside the image and says which region it returned', async () => {
    const r = await raw(
      emu,
      'GET',
      `/api/imageinstance/${imageId}/window-${width - 10}-${height - 5}-50-50.png`,
    );
    expect(r.headers.get('x-cytorx-window')).toBe(`${width - 10},${height - 5},10,5`);
    const img = PNG.sync.read(Buffer.from(await r.arrayBuffer()));
    expect([img.width, img.height]).toEqual([10, 5]);
    expect([img.data[0], img.data[1], img.data[2]]).toEqual(expected(width - 10, height - 5));
    const left = await png(`/api/imageinstance/${imageId}/window--5-0-10-10.png`);
    expect(left.width).toBe(5);
    expect([left.data[0], left.data[1]]).toEqual([0, 0]);
  });

  it('returns a JPEG close to the same pixels', async () => {
    const r = await raw(emu, 'GET', `/api/imageinstance/${imageId}/window-64-64-64-64.jpg`);
    expect(r.headers.get('content-type')).toBe('image/jpeg');
    const img = jpeg.decode(Buffer.from(await r.arrayBuffer()), { useTArray: true });
    expect([img.width, img.height]).toEqual([64, 64]);
    const o = (32 * 64 + 32) * 4;
    expect(Math.abs(img.data[o]! - 96)).toBeLessThan(12);
    expect(Math.abs(img.data[o + 1]! - 96)).toBeLessThan(12);
  });

  it('refuses windows over 5000x5000, empty, outside, unknown formats and unknown images', async () => {
    const big = emu.dataset.images[1]!.id;
    expect((await call(emu, 'GET', `/api/imageinstance/${big}/window-0-0-5001-10.png`)).status).toBe(400);
    expect((await call(emu, 'GET', `/api/imageinstance/${big}/window-0-0-10-5001.png`)).status).toBe(400);
    expect((await call(emu, 'GET', `/api/imageinstance/${imageId}/window-0-0-0-10.png`)).status).toBe(400);
    expect((await call(emu, 'GET', `/api/imageinstance/${imageId}/window-${width}-0-10-10.png`)).status).toBe(
      400,
    );
    const webp = await call(emu, 'GET', `/api/imageinstance/${imageId}/window-0-0-10-10.webp`);
    expect(webp.status).toBe(400);
    expect(webp.json.errors.message).toBe('Format webp is not supported');
    expect((await call(emu, 'GET', '/api/imageinstance/1/window-0-0-10-10.png')).status).toBe(404);
  });

  it('needs authentication', async () => {
    expect(
      (await call(emu, 'GET', `/api/imageinstance/${imageId}/window-0-0-8-8.png`, { mode: 'none' })).status,
    ).toBe(401);
  });
});
