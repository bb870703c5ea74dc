import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';

/**
 * A decoded image window: sample `c` of pixel `(i, j)` is `data[offset + j·stride + i·channels
 * + c]`. `channels` is 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA), 8 bits each.
 */
export interface DecodedWindow {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  stride: number;
  offset: number;
  data: Uint8Array;
}

const inflate = promisify(zlib.inflate);
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes a PNG. The common case (8-bit grey/RGB/RGBA, not interlaced) is inflated in the
 * libuv thread pool (so windows in flight decode in parallel) and unfiltered in place;
 * anything else (palette, 16-bit, interlaced) goes through pngjs (RGBA out).
 * @throws Error when the bytes are not a readable PNG.
 */
export async function decodePng(bytes: Uint8Array): Promise<DecodedWindow> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 33 || SIGNATURE.some((b, i) => buf[i] !== b)) throw new Error('not a PNG (bad signature)');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const depth = buf[24]!;
  const colorType = buf[25]!;
  const interlace = buf[28]!;
  const channels = CHANNELS[colorType];
  if (depth !== 8 || interlace !== 0 || channels === undefined || width < 1 || height < 1) {
    return viaPngjs(buf);
  }
  const idat: Buffer[] = [];
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + len > buf.length) throw new Error(`truncated ${type} chunk`);
    if (type === 'IDAT') idat.push(buf.subarray(pos + 8, pos + 8 + len));
    if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (idat.length === 0) throw new Error('no IDAT chunk');
  const stride = 1 + width * channels;
  const data: Uint8Array = await inflate(idat.length === 1 ? idat[0]! : Buffer.concat(idat));
  if (data.length < stride * height)
    throw new Error(`image data too short (${data.length} < ${stride * height})`);
  unfilter(data, width * channels, height, channels);
  return { width, height, channels, stride, offset: 1, data };
}

/** Decodes with pngjs (any PNG), as RGBA. */
function viaPngjs(buf: Buffer): DecodedWindow {
  const png = PNG.sync.read(buf);
  return {
    width: png.width,
    height: png.height,
    channels: 4,
    stride: png.width * 4,
    offset: 0,
    data: png.data,
  };
}

/**
 * Reverses PNG filters in place: rows of `1 + rowBytes` bytes, filter type first; `bpp`
 * bytes per pixel. Each row is unfiltered against the already unfiltered row above.
 */
export function unfilter(data: Uint8Array, rowBytes: number, rows: number, bpp: number): void {
  const stride = rowBytes + 1;
  for (let r = 0; r < rows; r++) {
    const s = r * stride + 1; // first sample of this row
    const p = s - stride; // first sample of the row above (invalid when r = 0)
    const type = data[s - 1]!;
    const end = s + rowBytes;
    switch (type) {
      case 0:
        break;
      case 1:
        for (let k = s + bpp; k < end; k++) data[k] = (data[k]! + data[k - bpp]!) & 255;
        break;
      case 2:
        if (r > 0) for (let k = s, q = p; k < end; k++, q++) data[k] = (data[k]! + data[q]!) & 255;
        break;
      case 3:
        for (let k = s, q = p; k < end; k++, q++) {
          const left = k - bpp >= s ? data[k - bpp]! : 0;
          const up = r > 0 ? data[q]! : 0;
          data[k] = (data[k]! + ((left + up) >> 1)) & 255;
        }
        break;
      case 4:
        for (let k = s, q = p; k < end; k++, q++) {
          const hasLeft = k - bpp >= s;
          const a = hasLeft ? data[k - bpp]! : 0;
          const b = r > 0 ? data[q]! : 0;
          const c = hasLeft && r > 0 ? data[q - bpp]! : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          data[k] = (data[k]! + pred) & 255;
        }
        break;
      default:
        throw new Error(`bad PNG filter type ${type} in row ${r}`);
    }
  }
}
