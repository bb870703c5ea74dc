import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { AtomicFile } from '../../src/fs/output-dir.js';
import { crc32, PngStream, pngChunk, tableCrc32 } from '../../src/mask/png-stream.js';
import { makeContext } from './helpers.js';

describe('PNG encoding', () => {
  it('computes PNG chunk CRCs (native and table agree)', () => {
    expect(pngChunk('IEND', new Uint8Array(0)).readUInt32BE(8)).toBe(0xae426082);
    for (const n of [0, 1, 7, 1000, 65_537]) {
      const data = randomBytes(n);
      expect(tableCrc32(data)).toBe(crc32(data));
      expect(tableCrc32(data.subarray(n >> 1), tableCrc32(data.subarray(0, n >> 1)))).toBe(crc32(data));
    }
  });

  it('streams rows band by band into a PNG that pngjs decodes (grey and RGB)', async () => {
    const t = await makeContext();
    try {
      for (const [color, channels] of [
        ['grey', 1],
        ['rgb', 3],
      ] as const) {
        const width = 301;
        const height = 257;
        const stride = 1 + width * channels;
        const pixels = randomBytes(width * height * channels); // incompressible: many IDAT chunks
        const file = await t.ctx.out.open(`p-${color}.png`);
        const png = await PngStream.open(file, width, height, color, 6);
        for (let r = 0; r < height; r += 50) {
          const rows = Math.min(50, height - r);
          const band = new Uint8Array(rows * stride);
          for (let k = 0; k < rows; k++) {
            band.set(
              pixels.subarray((r + k) * width * channels, (r + k + 1) * width * channels),
              k * stride + 1,
            );
          }
          await png.write(band);
        }
        await png.end();
        await file.commit();
        const decoded = PNG.sync.read(await readFile(path.join(t.root, `p-${color}.png`)));
        expect([decoded.width, decoded.height]).toEqual([width, height]);
        for (let i = 0; i < width * height; i += 97) {
          for (let c = 0; c < channels; c++) expect(decoded.data[i * 4 + c]).toBe(pixels[i * channels + c]);
        }
      }
    } finally {
      await rm(t.root, { recursive: true, force: true });
    }
  });

  it('cuts the compressed data into 64 KiB IDAT chunks, so the bytes never depend on timing', async () => {
    const t = await makeContext();
    try {
      const width = 500;
      const height = 400;
      const pixels = randomBytes(width * height); // incompressible: about 200 KB of IDAT data
      const encode = async (name: string, bandRows: number, pause: boolean) => {
        const file = await t.ctx.out.open(name);
        const png = await PngStream.open(file, width, height, 'grey', 6);
        for (let r = 0; r < height; r += bandRows) {
          const rows = Math.min(bandRows, height - r);
          const band = new Uint8Array(rows * (width + 1));
          for (let k = 0; k < rows; k++)
            band.set(pixels.subarray((r + k) * width, (r + k + 1) * width), k * (width + 1) + 1);
          const written = png.write(band);
          if (pause) await new Promise((resolve) => setTimeout(resolve, 2)); // zlib output drained in between
          await written;
        }
        await png.end();
        await file.commit();
        return readFile(path.join(t.root, name));
      };
      const a = await encode('a.png', 400, false);
      const b = await encode('b.png', 7, true);
      expect(a.equals(b)).toBe(true);
      // IDAT lengths: all 65,536 but the last.
      const lengths: number[] = [];
      for (let at = 8; at < a.length; ) {
        const len = a.readUInt32BE(at);
        if (a.toString('latin1', at + 4, at + 8) === 'IDAT') lengths.push(len);
        at += 12 + len;
      }
      expect(lengths.length).toBeGreaterThan(2);
      expect(lengths.slice(0, -1).every((n) => n === 65_536)).toBe(true);
      expect(lengths.at(-1)).toBeLessThanOrEqual(65_536);
    } finally {
      await rm(t.root, { recursive: true, force: true });
    }
  });

  it('rejects pending writes when the file fails, instead of hanging', async () => {
    let calls = 0;
    const failing = {
      relPath: 'x.png',
      write: async () => {
        if (++calls > 1) throw new Error('disk full');
      },
    } as unknown as AtomicFile;
    const png = await PngStream.open(failing, 2000, 2000, 'grey', 0);
    const rows = randomBytes(2001 * 2000);
    for (let r = 0; r < 2000; r++) rows[r * 2001] = 0;
    const outcome = await Promise.race([
      (async () => {
        for (let r = 0; r < 2000; r += 100) await png.write(rows.subarray(r * 2001, (r + 100) * 2001));
        await png.end();
        return 'finished';
      })().catch((e: Error) => e.message),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
    ]);
    expect(outcome).toBe('disk full');
    png.destroy();
  });

  it('refuses partial rows and a wrong row count', async () => {
    const file = { relPath: 'y.png', write: async () => {} } as unknown as AtomicFile;
    const png = await PngStream.open(file, 4, 2, 'grey', 6);
    expect(() => png.write(new Uint8Array(3))).toThrow(/partial row/);
    await png.write(new Uint8Array(5));
    await expect(png.end()).rejects.toThrow(/1 rows written/);
    png.destroy();
  });
});
