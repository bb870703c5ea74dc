import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { thumbSize } from '../src/routes/image-thumb.js';
import { call, raw } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: { seed: 9, projects: 1, imagesPerProject: 3, annotationsPerImage: 1 },
  });
});
afterAll(() => emu.close());

/** Full-resolution top-left coordinates modulo 4096 encoded by a slide pixel. */
const decode = (r: number, g: number, b: number) => [((b >> 4) << 8) | r, ((b & 15) << 8) | g];

async function get(path: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const r = await raw(emu, 'GET', path);
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
}

describe('image thumbnails', () => {
  it('sizes the longest side to maxSize like PIMS (other side rounded half to even)', () => {
    expect(thumbSize(100_000, 72_000, 512)).toEqual([512, 369]); // 368.64
    expect(thumbSize(2048, 1536, 512)).toEqual([512, 384]);
    expect(thumbSize(1536, 2048, 512)).toEqual([384, 512]);
    expect(thumbSize(1000, 1000, 300)).toEqual([300, 300]);
    expect(thumbSize(1000, 5, 100)).toEqual([100, 1]); // 0.5 -> 0 (half to even) -> at least 1
    expect(thumbSize(1000, 15, 100)).toEqual([100, 2]); // 1.5 -> 2
    expect(thumbSize(1000, 25, 100)).toEqual([100, 2]); // 2.5 -> 2
    expect(thumbSize(100, 50, 400)).toEqual([400, 200]); // upscaling allowed
  });

  it('thumb.png: every pixel is the slide pixel under its footprint centre (y down, full resolution)', async () => {
    for (const image of emu.dataset.images) {
      const { status, type, bytes } = await get(`/api/imageinstance/${image.id}/thumb.png?maxSize=256`);
      expect(status).toBe(200);
      expect(type).toBe('image/png');
      const png = PNG.sync.read(bytes);
      expect([png.width, png.height]).toEqual(thumbSize(image.width, image.height, 256));
      for (let j = 0; j < png.height; j += 7) {
        for (let i = 0; i < png.width; i += 5) {
          const o = (j * png.width + i) * 4;
          const [x, y] = decode(png.data[o]!, png.data[o + 1]!, png.data[o + 2]!);
          const cx = Math.floor(((i + 0.5) * image.width) / png.width);
          const cy = Math.floor(((j + 0.5) * image.height) / png.height);
          expect([x, y]).toEqual([cx % 4096, cy % 4096]);
        }
      }
    }
  });

  it('defaults to maxSize 512 (thumb) and 1024 (preview); thumb.jpg is a JPEG of the same size', async () => {
    const image = emu.dataset.images[1]!;
    const thumb = PNG.sync.read((await get(`/api/imageinstance/${image.id}/thumb.png`)).bytes);
    expect(Math.max(thumb.width, thumb.height)).toBe(512);
    const preview = PNG.sync.read((await get(`/api/imageinstance/${image.id}/preview.png`)).bytes);
    expect(Math.max(preview.width, preview.height)).toBe(1024);
    const j = await get(`/api/imageinstance/${image.id}/thumb.jpg?maxSize=128`);
    expect(j.type).toBe('image/jpeg');
    const decoded = jpeg.decode(j.bytes, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual(thumbSize(image.width, image.height, 128));
  });

  it('refuses bad maxSize, unknown formats and images, and needs authentication', async () => {
    const id = emu.dataset.images[0]!.id;
    expect((await call(emu, 'GET', `/api/imageinstance/${id}/thumb.png?maxSize=0`)).status).toBe(400);
    expect((await call(emu, 'GET', `/api/imageinstance/${id}/thumb.png?maxSize=5001`)).status).toBe(400);
    expect((await call(emu, 'GET', `/api/imageinstance/${id}/thumb.png?maxSize=big`)).status).toBe(400);
    const webp = await call(emu, 'GET', `/api/imageinstance/${id}/thumb.webp`);
    expect(webp.status).toBe(400);
    expect(webp.json.errors.message).toBe('Format webp is not supported');
    expect((await call(emu, 'GET', '/api/imageinstance/1/thumb.png')).status).toBe(404);
    expect((await call(emu, 'GET', `/api/imageinstance/${id}/thumb.png`, { mode: 'none' })).status).toBe(401);
  });
});
