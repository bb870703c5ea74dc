import { crc32, deflateSync } from 'node:zlib';
import { slidePixel } from './slide-pixel.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * The slide region `[x, x+w) x [y, y+h)` (top-left pixel coordinates, y down) as an RGB PNG,
 * written directly: every scanline uses the Sub filter (type 1) and the data is deflated at
 * level 1.
 *
 * Sub stores each byte minus the same byte of the pixel on its left (mod 256). Along a row of
 * the slide, G is constant and R and the high nibble of B depend on x only (B's low nibble,
 * which depends on y only, shares no bit with its high nibble, so the OR is a sum). So every
 * filtered scanline is the same, except for its first pixel, which has no left neighbour and
 * is stored as is: a 1024x1024 window takes a few milliseconds and deflates to tens of kB.
 */
export function slidePng(x: number, y: number, w: number, h: number): Buffer {
  const stride = 3 * w + 1;
  const row = new Uint8Array(stride);
  row[0] = 1; // filter type Sub
  let left = slidePixel(x, y);
  for (let i = 1; i < w; i++) {
    const p = slidePixel(x + i, y);
    const o = 1 + 3 * i;
    row[o] = (p[0] - left[0]) & 255;
    row[o + 1] = (p[1] - left[1]) & 255;
    row[o + 2] = (p[2] - left[2]) & 255;
    left = p;
  }
  const raw = Buffer.allocUnsafe(stride * h);
  for (let j = 0; j < h; j++) {
    const o = j * stride;
    raw.set(row, o);
    const [r, g, b] = slidePixel(x, y + j);
    raw[o + 1] = r;
    raw[o + 2] = g;
    raw[o + 3] = b;
  }
  return rgbPng(raw, w, h);
}

/**
 * An RGB PNG (8 bits per sample) from `raw`: `h` scanlines of one filter byte then `3·w`
 * samples each, deflated at level 1.
 */
export function rgbPng(raw: Uint8Array, w: number, h: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB (compression, filter method and interlace stay 0)
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
