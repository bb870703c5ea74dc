import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflate } from 'node:zlib';
import { decodePng, unfilter } from '../images/decode-png.js';

/** Size and samples per pixel of a PNG being read row by row. */
export interface PngRowsHeader {
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (8 bits each). */
  channels: 1 | 2 | 3 | 4;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Reads a PNG file top to bottom with memory for two rows: the file is streamed, its IDAT
 * data inflated as it arrives and each row unfiltered against the one above, then handed to
 * `onRow(y, samples)` (`samples` is reused: copy what you keep). 8-bit grey, grey + alpha,
 * RGB and RGBA non-interlaced PNGs (what cytorx writes) stream; any other PNG is decoded
 * whole (as RGBA). A mask or image far larger than memory can so be sampled.
 * @throws Error when the file is not a readable PNG.
 * @internal
 */
export async function forEachPngRow(
  file: string,
  onHeader: (header: PngRowsHeader) => void,
  onRow: (y: number, samples: Uint8Array) => void,
): Promise<void> {
  let header: PngRowsHeader | undefined;
  let fallback = false;
  async function* idat(): AsyncGenerator<Buffer> {
    let pending: Buffer = Buffer.alloc(0);
    let signatureChecked = false;
    for await (const chunk of createReadStream(file)) {
      pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
      if (!signatureChecked) {
        if (pending.length < 8) continue;
        if (!pending.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${file}: not a PNG (bad signature)`);
        pending = pending.subarray(8);
        signatureChecked = true;
      }
      while (pending.length >= 12) {
        const length = pending.readUInt32BE(0);
        if (pending.length < 12 + length) break;
        const type = pending.toString('latin1', 4, 8);
        const data = pending.subarray(8, 8 + length);
        pending = pending.subarray(12 + length);
        if (type === 'IHDR') {
          const channels = CHANNELS[data[9]!];
          if (data[8] !== 8 || data[12] !== 0 || channels === undefined) {
            fallback = true;
            return;
          }
          header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), channels };
          onHeader(header);
        } else if (type === 'IDAT') {
          yield Buffer.from(data);
        } else if (type === 'IEND') {
          return;
        }
      }
    }
  }
  const inflate = Readable.from(idat()).pipe(createInflate());
  let rows: Uint8Array | undefined;
  let filled = 0;
  let y = 0;
  try {
    for await (const out of inflate as AsyncIterable<Buffer>) consume(out);
  } catch (error) {
    if (!fallback) throw error; // an unsupported PNG ends the stream early: decoded whole below
  }
  function consume(out: Buffer): void {
    const h = header!;
    const rowBytes = h.width * h.channels;
    const stride = rowBytes + 1;
    // Two rows: the previous one (unfiltered, filter byte set to 0 = None) and the current one.
    rows ??= new Uint8Array(2 * stride);
    let pos = 0;
    while (pos < out.length && y < h.height) {
      const take = Math.min(stride - filled, out.length - pos);
      rows.set(out.subarray(pos, pos + take), stride + filled);
      filled += take;
      pos += take;
      if (filled < stride) break;
      unfilter(rows, rowBytes, 2, h.channels);
      onRow(y, rows.subarray(stride + 1, 2 * stride));
      rows.copyWithin(0, stride, 2 * stride);
      rows[0] = 0;
      filled = 0;
      y++;
    }
  }
  if (fallback) {
    const d = await decodePng(await readFile(file));
    onHeader({ width: d.width, height: d.height, channels: d.channels });
    for (let r = 0; r < d.height; r++) {
      const start = d.offset + r * d.stride;
      onRow(r, d.data.subarray(start, start + d.width * d.channels));
    }
    return;
  }
  if (header === undefined || y < header.height) {
    throw new Error(`${file}: truncated PNG (${y} of ${header?.height ?? '?'} rows)`);
  }
}
