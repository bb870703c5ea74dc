/** Period of the synthetic slide in both directions (px): R/G repeat every 256, B every 4096. */
export const SLIDE_PERIOD = 4096;

/**
 * The synthetic slide: the pixel at top-left coordinates (x, y) (y down) has
 * `R = x & 255`, `G = y & 255`, `B = ((x >> 8) & 15) << 4 | ((y >> 8) & 15)`.
 */
export function slidePixel(x: number, y: number): [number, number, number] {
  return [x & 255, y & 255, (((x >> 8) & 15) << 4) | ((y >> 8) & 15)];
}

/** Renders the RGBA pixels of the slide region `[x, x+w) x [y, y+h)`. */
export function renderRegion(x: number, y: number, w: number, h: number): Buffer {
  // One row of the x-dependent channels, then each row is that plus its y-dependent G and B.
  const row = new Uint32Array(w);
  const pixels = new Uint32Array(w * h);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let i = 0; i < w; i++) {
    const [r, , b] = slidePixel(x + i, 0);
    row[i] = littleEndian ? (0xff << 24) | (b << 16) | r : (r << 24) | (b << 8) | 0xff;
  }
  for (let j = 0; j < h; j++) {
    const [, g, by] = slidePixel(0, y + j);
    const add = littleEndian ? (g << 8) | (by << 16) : (g << 16) | (by << 8);
    const o = j * w;
    for (let i = 0; i < w; i++) pixels[o + i] = row[i]! | add;
  }
  return Buffer.from(pixels.buffer);
}
