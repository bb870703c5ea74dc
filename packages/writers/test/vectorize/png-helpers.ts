// Hand-made PNG files for the mask reader tests: any bit depth and colour type, written
// independently of the reader (zlib from node, filters chosen per row).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { pngChunk as chunk } from '../../src/mask/png-stream.js';

/**
 * A PNG of `values` (one per pixel, row-major) at `depth` bits, colour type 0 (grey) or 3
 * (palette, with a PLTE of 256 greys); each row uses filter `row % 2 === 0 ? 0 : 2` (None,
 * Up) so that unfiltering is exercised.
 */
export function encodePng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  depth: number,
  color: 0 | 3,
): Buffer {
  const rowBytes = Math.ceil((width * depth) / 8);
  const raw = Buffer.alloc(height * (rowBytes + 1));
  const prev = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const row = new Uint8Array(rowBytes);
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x]!;
      if (depth === 16) {
        row[2 * x] = v >> 8;
        row[2 * x + 1] = v & 255;
      } else if (depth === 8) row[x] = v;
      else {
        const per = 8 / depth;
        row[Math.floor(x / per)]! |= v << (8 - depth * ((x % per) + 1));
      }
    }
    const filter = y % 2 === 0 ? 0 : 2;
    raw[y * (rowBytes + 1)] = filter;
    for (let k = 0; k < rowBytes; k++)
      raw[y * (rowBytes + 1) + 1 + k] = filter === 2 ? (row[k]! - prev[k]!) & 255 : row[k]!;
    prev.set(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = color;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (color === 3)
    parts.push(chunk('PLTE', Buffer.from(Array.from({ length: 768 }, (_, i) => Math.floor(i / 3)))));
  // Several IDAT chunks, cut at odd sizes.
  const z = deflateSync(raw);
  for (let k = 0; k < z.length; k += 7) parts.push(chunk('IDAT', z.subarray(k, k + 7)));
  parts.push(chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** An 8-bit greyscale PNG with pngjs's own (adaptive) filters, written to `path`. */
export function writeGreyPng(path: string, values: ArrayLike<number>, width: number, height: number): void {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data = Buffer.from(Uint8Array.from(values));
  writeFileSync(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 }));
}
