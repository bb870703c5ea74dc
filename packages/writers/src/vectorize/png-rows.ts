import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
import { ConfigError } from '@cytorx/core';
import { unfilter } from '../images/decode-png.js';

/** A band of decoded mask rows: pixel (x, y) is `data[(y - y0) · width + x]`. */
export interface PngBand {
  y0: number;
  rows: number;
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A class-index mask PNG read row by row: memory holds one band of rows, never the image.
 * Greyscale and palette PNGs of 1, 2, 4, 8 or 16 bits (value = grey level or palette index;
 * 16-bit values must be below 256), not interlaced. @internal
 */
export class PngRows {
  private constructor(
    readonly path: string,
    readonly width: number,
    readonly height: number,
    private readonly depth: number,
  ) {}

  /**
   * Reads the header.
   * @throws ConfigError (`CYTORX_CONFIG`) when the file is not a PNG this reader can use.
   */
  static async open(path: string): Promise<PngRows> {
    const head = Buffer.alloc(33);
    let read = 0;
    try {
      const fh = await open(path, 'r');
      try {
        read = (await fh.read(head, 0, 33, 0)).bytesRead;
      } finally {
        await fh.close();
      }
    } catch (cause) {
      throw new ConfigError(`cannot read mask ${path}: ${(cause as Error).message}`, { cause });
    }
    if (read < 33 || SIGNATURE.some((b, i) => head[i] !== b) || head.toString('latin1', 12, 16) !== 'IHDR') {
      throw new ConfigError(`${path} is not a PNG`);
    }
    const width = head.readUInt32BE(16);
    const height = head.readUInt32BE(20);
    const depth = head[24]!;
    const color = head[25]!;
    const interlace = head[28]!;
    if (color !== 0 && color !== 3) {
      const kind = { 2: 'RGB', 4: 'grey + alpha', 6: 'RGBA' }[color] ?? `colour type ${color}`;
      throw new ConfigError(
        `${path} is ${kind}: a mask must be a greyscale or palette PNG whose pixel values are class ids`,
      );
    }
    if (![1, 2, 4, 8, 16].includes(depth) || (color === 3 && depth === 16)) {
      throw new ConfigError(`${path}: unsupported bit depth ${depth}`);
    }
    if (interlace !== 0) throw new ConfigError(`${path} is interlaced; save it without interlacing`);
    if (width < 1 || height < 1) throw new ConfigError(`${path} has no pixels (${width}x${height})`);
    return new PngRows(path, width, height, depth);
  }

  /**
   * The rows, `bandRows` at a time (the last band may be shorter). Each band's buffer is
   * reused for the next: consume it before asking for the next. Breaking out of the loop
   * closes the file.
   * @throws ConfigError (`CYTORX_CONFIG`) for a corrupt or truncated file, or a 16-bit value above 255.
   */
  async *bands(bandRows: number): AsyncGenerator<PngBand> {
    const { width, height, depth, path } = this;
    const rowBytes = Math.ceil((width * depth) / 8);
    const bpp = depth === 16 ? 2 : 1;
    // [0, previous row][filter, this row]: `unfilter` undoes this row against the previous.
    const pair = new Uint8Array(2 * (rowBytes + 1));
    const band = new Uint8Array(Math.min(bandRows, height) * width);
    let filled = 0; // bytes of the current row in pair (its second half)
    let y = 0;
    let inBand = 0;
    const inflate = zlib.createInflate();
    const feeding = feedIdat(path, inflate);
    feeding.catch(() => undefined); // its error also ends the loop below (inflate destroyed)
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        let k = 0;
        while (k < chunk.length && y < height) {
          const take = Math.min(rowBytes + 1 - filled, chunk.length - k);
          pair.set(chunk.subarray(k, k + take), rowBytes + 1 + filled);
          filled += take;
          k += take;
          if (filled < rowBytes + 1) break;
          try {
            unfilter(pair, rowBytes, 2, bpp);
          } catch (cause) {
            throw new ConfigError(`${path}: row ${y}: ${(cause as Error).message}`, { cause });
          }
          this.unpack(pair.subarray(rowBytes + 2), band, inBand * width, y);
          pair.copyWithin(1, rowBytes + 2);
          filled = 0;
          y++;
          inBand++;
          if (inBand * width === band.length || y === height) {
            yield { y0: y - inBand, rows: inBand, data: band };
            inBand = 0;
          }
        }
      }
      await feeding;
    } catch (error) {
      throw error instanceof ConfigError
        ? error
        : new ConfigError(`cannot decode mask ${path}: ${(error as Error).message}`, { cause: error });
    } finally {
      inflate.destroy();
      await feeding.catch(() => undefined);
    }
    if (y < height) throw new ConfigError(`${path} is truncated: ${y} of ${height} rows`);
  }

  /** Row samples to one value per pixel. */
  private unpack(row: Uint8Array, out: Uint8Array, at: number, y: number): void {
    const { width, depth } = this;
    if (depth === 8) {
      out.set(row.subarray(0, width), at);
      return;
    }
    if (depth === 16) {
      for (let x = 0; x < width; x++) {
        if (row[2 * x] !== 0) {
          throw new ConfigError(
            `${this.path}: pixel ${x},${y} has value ${(row[2 * x]! << 8) | row[2 * x + 1]!}; class ids go up to 255`,
          );
        }
        out[at + x] = row[2 * x + 1]!;
      }
      return;
    }
    const perByte = 8 / depth;
    const mask = (1 << depth) - 1;
    for (let x = 0; x < width; x++) {
      const shift = 8 - depth * ((x % perByte) + 1);
      out[at + x] = (row[Math.floor(x / perByte)]! >> shift) & mask;
    }
  }
}

/** Streams the IDAT payloads of the file into `inflate`, then ends it. */
async function feedIdat(path: string, inflate: zlib.Inflate): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let pos = 8; // after the signature
  let done = false;
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (!done) {
        if (pending.length < pos + 8) break;
        const len = pending.readUInt32BE(pos);
        const type = pending.toString('latin1', pos + 4, pos + 8);
        if (pending.length < pos + 12 + len) break;
        if (type === 'IDAT' && !inflate.write(pending.subarray(pos + 8, pos + 8 + len))) {
          await new Promise<void>((resolve, reject) => {
            const onError = (e: Error) => reject(e);
            inflate.once('error', onError);
            inflate.once('drain', () => {
              inflate.off('error', onError);
              resolve();
            });
          });
        }
        if (type === 'IEND') done = true;
        pos += 12 + len;
      }
      if (done) break;
      pending = pending.subarray(pos);
      pos = 0;
    }
    if (!done) throw new Error('no IEND chunk (truncated file)');
    inflate.end();
  } catch (error) {
    inflate.destroy(error as Error);
    throw error;
  } finally {
    stream.destroy();
  }
}
