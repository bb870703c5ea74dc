// Issue 12, item 6: `cytorx window` checks the region against the image. Entirely outside:
// exit 2 naming the image's size (servers answer an all-black picture). Partly outside:
// clipped to the image with a warning; the PNG decodes to the clipped region's pixels (the
// emulator's pixels encode their own coordinates).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../export/helpers.js';
import { runInProcess } from './run-in-process.js';

describe('cytorx window: bounds', () => {
  let emu: Emulator;
  let env: Record<string, string>;
  let home: string;

  beforeAll(async () => {
    emu = await startEmulator({
      dataset: { seed: 3, projects: 1, imagesPerProject: 1, annotationsPerImage: 1 },
    });
    env = {
      CYTOMINE_HOST: emu.url,
      CYTOMINE_PUBLIC_KEY: emu.publicKey,
      CYTOMINE_PRIVATE_KEY: emu.privateKey,
    };
    home = await tempDir('cytorx-window-');
  });
  afterAll(async () => {
    await emu?.close();
  });

  const window = (x: number, y: number, w: number, h: number, out: string) => {
    const image = emu.dataset.images[0]!;
    const args = ['--image', image.id, '-x', x, '-y', y, '--width', w, '--height', h].map(String);
    return runInProcess(['window', ...args, '--out', out], { env, home });
  };

  it('a window starting at or past the right or bottom edge: exit 2, nothing written', async () => {
    const { width, height, id } = emu.dataset.images[0]!;
    for (const [x, y] of [
      [width, 0],
      [width + 5000, 0],
      [0, height],
    ] as const) {
      const r = await window(x, y, 64, 64, `out-${x}-${y}.png`);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`is outside image ${id} (${width}x${height} px)`);
      expect(existsSync(path.join(home, `out-${x}-${y}.png`))).toBe(false);
    }
  });

  it('a window partly outside: clipped to the image, a warning, the PNG holds exactly the clipped pixels', async () => {
    const { width, height, id } = emu.dataset.images[0]!;
    const [x, y] = [width - 10, height - 7];
    const r = await window(x, y, 64, 32, 'edge.png');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `warning: window ${x},${y} 64x32 extends past image ${id} (${width}x${height} px): clipped to 10x7`,
    );
    const png = PNG.sync.read(readFileSync(path.join(home, 'edge.png')));
    expect([png.width, png.height]).toEqual([10, 7]);
    for (let j = 0; j < 7; j++) {
      for (let i = 0; i < 10; i++) {
        const o = (j * 10 + i) * 4;
        const [px, py] = [x + i, y + j];
        expect([png.data[o], png.data[o + 1], png.data[o + 2]]).toEqual([
          px & 255,
          py & 255,
          (((px >> 8) & 15) << 4) | ((py >> 8) & 15),
        ]);
      }
    }
    const inside = await window(0, 0, 8, 8, 'inside.png');
    expect(inside.code).toBe(0);
    expect(inside.stderr).not.toContain('warning');
  });
});
