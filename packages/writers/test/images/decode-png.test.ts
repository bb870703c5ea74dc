import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/images/decode-png.js';
import { pngChunk } from '../../src/mask/png-stream.js';

/** The RGBA of pixel (i, j) of a decoded window. */
function rgbaAt(d: Awaited<ReturnType<typeof decodePng>>, i: number, j: number): number[] {
  const s = d.offset + j * d.stride + i * d.channels;
  const v = [...d.data.subarray(s, s + d.channels)];
  if (d.channels === 1) return [v[0]!, v[0]!, v[0]!, 255];
  if (d.channels === 2) return [v[0]!, v[0]!, v[0]!, v[1]!];
  if (d.channels === 3) return [...v, 255];
  return v;
}

describe('decodePng', () => {
  it('matches pngjs for every filter type and 8-bit colour type (random pixels)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(0, 2, 4, 6),
        fc.constantFrom(-1, 0, 1, 2, 3, 4),
        fc.integer(),
        async (width, height, colorType, filterType, seed) => {
          const png = new PNG({ width, height });
          let a = seed >>> 0;
          for (let k = 0; k < png.data.length; k++) {
            a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
            png.data[k] = a >>> 24;
          }
          const bytes = PNG.sync.write(png, { colorType: colorType as 0 | 2 | 4 | 6, filterType });
          const ref = PNG.sync.read(bytes);
          const got = await decodePng(bytes);
          expect([got.width, got.height]).toEqual([width, height]);
          for (let j = 0; j < height; j++) {
            for (let i = 0; i < width; i++) {
              const o = 4 * (j * width + i);
              expect(rgbaAt(got, i, j)).toEqual([...ref.data.subarray(o, o + 4)]);
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('falls back to pngjs for 16-bit images (RGBA out, rescaled to 8 bits)', async () => {
    // A 3x2 16-bit grey PNG built by hand: every sample 0xC8C8 (200 in 8 bits).
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(3, 0);
    ihdr.writeUInt32BE(2, 4);
    ihdr[8] = 16; // bit depth
    ihdr[9] = 0; // grey
    const rows = Buffer.alloc(2 * (1 + 3 * 2), 0xc8);
    rows[0] = 0;
    rows[7] = 0;
    const bytes = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', deflateSync(rows)),
      pngChunk('IEND', new Uint8Array(0)),
    ]);
    const got = await decodePng(bytes);
    expect(got.channels).toBe(4);
    expect(rgbaAt(got, 2, 1)).toEqual([200, 200, 200, 255]);
  });

  it('rejects bytes that are not a PNG, and truncated data', async () => {
    await expect(decodePng(new TextEncoder().encode('<html>502 Bad Gateway</html>'))).rejects.toThrow(
      /not a PNG/,
    );
    const png = new PNG({ width: 8, height: 8 });
    const bytes = PNG.sync.write(png);
    await expect(decodePng(bytes.subarray(0, bytes.length - 30))).rejects.toThrow();
  });
});
