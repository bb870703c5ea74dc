import { ConfigError } from '@cytorx/core';

/**
 * A binary mask as COCO run-length encoding, uncompressed: `counts` alternate runs of 0s and
 * 1s (starting with 0s, the first run may be 0) over the mask flattened **column-major**
 * (index = x·h + y), and `size` is `[height, width]`, as in pycocotools.
 */
export interface Rle {
  size: [height: number, width: number];
  counts: number[];
}

/** The same, with `counts` compressed to pycocotools' string form (`rleToString`). */
export interface CompressedRle {
  size: [height: number, width: number];
  counts: string;
}

/**
 * Encodes a row-major binary mask (index = y·width + x; any non-zero value is set) as COCO RLE,
 * exactly as pycocotools' `rleEncode` does for the same mask in Fortran order.
 *
 * @param mask - `width·height` values, row-major (for example a decoded PNG channel).
 * @param width - Mask width in pixels.
 * @param height - Mask height in pixels.
 * @throws ConfigError `CYTORX_CONFIG` when `mask.length` is not `width·height`.
 * @example
 * ```ts
 * import { rleEncode, rleToString } from '@cytorx/writers';
 * const rle = rleEncode([0, 1, 1, 0, 0, 1], 3, 2); // 2 rows x 3 columns
 * rle.counts; // [2, 1, 1, 2]
 * rleToString(rle.counts); // '2111'
 * ```
 */
export function rleEncode(mask: ArrayLike<number>, width: number, height: number): Rle {
  checkSize(width, height);
  if (mask.length !== width * height) {
    throw new ConfigError(`mask has ${mask.length} values, expected ${width}x${height} = ${width * height}`);
  }
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[y * width + x] ? 1 : 0;
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/**
 * Decodes COCO RLE (uncompressed or compressed) to a row-major mask of 0/1 bytes
 * (index = y·width + x).
 *
 * @param rle - `{ size: [h, w], counts }` with `counts` an array or a compressed string.
 * @returns `Uint8Array` of `w·h` values.
 * @throws ConfigError `CYTORX_CONFIG` when the counts do not add up to `h·w` or the string is malformed.
 * @example
 * ```ts
 * import { rleDecode } from '@cytorx/writers';
 * rleDecode({ size: [2, 3], counts: '2111' }); // Uint8Array [0, 1, 1, 0, 0, 1]
 * ```
 */
export function rleDecode(rle: Rle | CompressedRle): Uint8Array {
  const [height, width] = rle.size;
  checkSize(width, height);
  const counts = typeof rle.counts === 'string' ? rleFromString(rle.counts) : rle.counts;
  const total = width * height;
  const mask = new Uint8Array(total);
  let pos = 0;
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j]!;
    if (!Number.isInteger(c) || c < 0 || pos + c > total) {
      throw new ConfigError(`RLE counts overflow a ${height}x${width} mask at run ${j}`);
    }
    if (j % 2 === 1) {
      for (let i = pos; i < pos + c; i++) {
        const y = i % height;
        mask[y * width + (i - y) / height] = 1;
      }
    }
    pos += c;
  }
  if (pos !== total)
    throw new ConfigError(`RLE counts sum to ${pos}, expected ${height}x${width} = ${total}`);
  return mask;
}

/**
 * Compresses RLE counts to pycocotools' string (`rleToString` in `maskApi.c`): each count,
 * from the fourth on as the difference to the count two places before, in a signed LEB128
 * variant with 5 data bits per character offset by 48 (characters `'0'`..`'o'`). Exact for
 * any count below 2^53 (pycocotools itself is limited to 32-bit counts).
 *
 * @param counts - Run lengths, starting with a run of 0s.
 * @example
 * ```ts
 * import { rleToString } from '@cytorx/writers';
 * rleToString([0, 10, 5, 2]); // '0:5H'
 * ```
 */
export function rleToString(counts: ArrayLike<number>): string {
  // Character codes into a byte buffer (at most 11 characters per count below 2^53), decoded
  // once: far less garbage than growing a string character by character.
  let bytes = new Uint8Array(Math.max(16, counts.length * 2));
  let n = 0;
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    if (n + 11 > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2 + 11);
      grown.set(bytes.subarray(0, n));
      bytes = grown;
    }
    for (;;) {
      let ch: number;
      if (x >= -0x40000000 && x < 0x40000000) {
        ch = x & 0x1f;
        x >>= 5; // arithmetic shift right by 5 (exact in 32 bits)
      } else {
        ch = ((x % 32) + 32) % 32; // x & 0x1f, without 32-bit truncation
        x = Math.floor(x / 32);
      }
      const more = ch & 0x10 ? x !== -1 : x !== 0;
      if (more) ch |= 0x20;
      bytes[n++] = ch + 48;
      if (!more) break;
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1');
}

/**
 * Reverses {@link rleToString} (pycocotools' `rleFrString`).
 *
 * @param s - A compressed counts string.
 * @returns The run lengths.
 * @throws ConfigError `CYTORX_CONFIG` for a character outside `'0'`..`'o'`, a truncated value, or a negative count.
 * @example
 * ```ts
 * import { rleFromString } from '@cytorx/writers';
 * rleFromString('0:5H'); // [0, 10, 5, 2]
 * ```
 */
export function rleFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new ConfigError(`RLE string ends inside a value: ${excerpt(s)}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63)
        throw new ConfigError(`RLE string has an invalid character at ${p}: ${excerpt(s)}`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign-extend
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    if (x < 0) throw new ConfigError(`RLE string decodes to a negative count at value ${counts.length}`);
    counts.push(x);
  }
  return counts;
}

/**
 * Compresses the counts of an {@link Rle}.
 * @example
 * ```ts
 * import { compressRle } from '@cytorx/writers';
 * compressRle({ size: [2, 3], counts: [2, 1, 1, 2] }); // { size: [2, 3], counts: '2111' }
 * ```
 */
export function compressRle(rle: Rle): CompressedRle {
  return { size: [rle.size[0], rle.size[1]], counts: rleToString(rle.counts) };
}

/**
 * Number of set pixels (pycocotools' `rleArea`: the sum of the odd-position counts).
 * @example
 * ```ts
 * import { rleArea } from '@cytorx/writers';
 * rleArea({ size: [2, 3], counts: '2111' }); // 3
 * ```
 */
export function rleArea(rle: Rle | CompressedRle): number {
  const counts = typeof rle.counts === 'string' ? rleFromString(rle.counts) : rle.counts;
  let area = 0;
  for (let j = 1; j < counts.length; j += 2) area += counts[j]!;
  return area;
}

/**
 * Tight pixel box `[x, y, w, h]` of the set pixels, with pycocotools' `rleToBbox` semantics:
 * all zeros for an empty mask, and the full height when a run of 1s wraps from one column into
 * the next.
 * @example
 * ```ts
 * import { rleToBbox } from '@cytorx/writers';
 * rleToBbox({ size: [2, 3], counts: '2111' }); // [1, 0, 2, 2]
 * ```
 */
export function rleToBbox(rle: Rle | CompressedRle): [number, number, number, number] {
  const [h, w] = rle.size;
  const counts = typeof rle.counts === 'string' ? rleFromString(rle.counts) : rle.counts;
  const m = Math.floor(counts.length / 2) * 2;
  if (m === 0 || h === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += counts[j]!;
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new ConfigError(`invalid mask size ${width}x${height}`);
  }
}

function excerpt(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}
