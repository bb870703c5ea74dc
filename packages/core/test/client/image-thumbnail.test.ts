// getImageThumbnail against the emulator over loopback: real request, real PNG decode.
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { PNG } from 'pngjs';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { isCytorxError } from '../../src/errors/cytorx-error.js';
import { getImageThumbnail } from '../../src/resources/image-thumbnail.js';

let emu: Emulator;
let client: CytomineClient;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: { seed: 3, projects: 1, imagesPerProject: 2, annotationsPerImage: 1 },
  });
  client = createClient({
    host: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    retry: { baseDelayMs: 1, maxAttempts: 2 },
  });
});
afterAll(async () => {
  await client.close();
  await emu.close();
});

describe('getImageThumbnail', () => {
  it('downloads thumb.png?maxSize=N: longest side N, pixels sampled top-left first (y down)', async () => {
    const image = emu.dataset.images[1]!;
    const png = PNG.sync.read(
      Buffer.from(await firstValueFrom(getImageThumbnail(client, image.id, { maxSize: 200, format: 'png' }))),
    );
    expect(Math.max(png.width, png.height)).toBe(200);
    expect(png.width / png.height).toBeCloseTo(image.width / image.height, 1);
    // Pixel (0, 0) samples the slide near its top-left corner: small x and y.
    const sx = image.width / png.width;
    const sy = image.height / png.height;
    expect(png.data[0]).toBe(Math.floor(0.5 * sx) & 255);
    expect(png.data[1]).toBe(Math.floor(0.5 * sy) & 255);
  });

  it('defaults to a 512 px JPEG', async () => {
    const bytes = await firstValueFrom(getImageThumbnail(client, emu.dataset.images[0]!.id));
    expect([bytes[0], bytes[1], bytes[2]]).toEqual([0xff, 0xd8, 0xff]);
    expect(emu.stats().byRoute['/api/imageinstance/{id}/thumb.{format}']).toBeGreaterThan(0);
  });

  it('refuses bad options before any request, and reports server refusals as typed errors', async () => {
    const before = emu.stats().requests;
    for (const options of [
      { maxSize: 0 },
      { maxSize: 5001 },
      { maxSize: 1.5 },
      { format: 'webp' as 'png' },
    ]) {
      await expect(firstValueFrom(getImageThumbnail(client, 1, options))).rejects.toBeInstanceOf(ConfigError);
    }
    expect(emu.stats().requests).toBe(before);
    const err = await firstValueFrom(getImageThumbnail(client, 999_999)).catch((e: unknown) => e);
    expect(isCytorxError(err)).toBe(true);
    expect(String((err as Error).message)).toContain('/api/imageinstance/999999/thumb.jpg');
  });
});
