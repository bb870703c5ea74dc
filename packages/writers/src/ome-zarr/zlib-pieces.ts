import { constants, deflateRawSync } from 'node:zlib';

const MOD = 65521;
/** Largest run of bytes whose sums fit in a double before taking the modulo (zlib's NMAX). */
const NMAX = 5552;
/** zlib header: deflate, 32 KiB window, no dictionary, FCHECK making it a multiple of 31. */
const HEADER = Buffer.from([0x78, 0x01]);
/** An empty final fixed-Huffman block: ends the deflate stream. */
const FINAL = Buffer.from([0x03, 0x00]);
/** Deflate options of a piece: run-length matches (label images), byte-aligned, not final. */
const PIECE = { strategy: constants.Z_RLE, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 4096 };

/**
 * A zlib stream (RFC 1950) built from independently deflated pieces: each piece is raw deflate
 * ended by a sync flush (byte-aligned, not final, back-references inside the piece only), so
 * the pieces concatenated, then an empty final block, form one valid deflate stream; the
 * Adler-32 of the whole uncompressed data is kept as the pieces come. A chunk can so be
 * compressed a band of rows at a time, without holding its uncompressed bytes. Runs of zeros
 * are deflated once per length and shared through `zeros`. @internal
 */
export class ZlibPieces {
  private readonly parts: Buffer[] = [];
  private a = 1;
  private b = 0;
  /** Uncompressed bytes so far. */
  length = 0;

  /** @param zeros - deflated zero runs by length, shared by the pieces of a run. */
  constructor(private readonly zeros: Map<number, Buffer>) {}

  /**
   * Appends `bytes`, deflated now (in this thread: zlib's run-length strategy takes about
   * 0.1 ms for 256 kB of labels, less than a round trip through the thread pool costs).
   * `summed`: the caller has already added them to the checksum with {@link sum} and
   * {@link sumZeros} (it knows which rows are zero); default false.
   */
  add(bytes: Uint8Array, summed = false): void {
    if (!summed) this.sum(bytes, 0, bytes.length);
    this.length += bytes.length;
    this.parts.push(deflateRawSync(bytes, PIECE));
  }

  /** Appends `n` zero bytes. */
  addZeros(n: number): void {
    if (n === 0) return;
    this.sumZeros(n);
    this.length += n;
    let part = this.zeros.get(n);
    if (part === undefined) {
      part = deflateRawSync(Buffer.alloc(n), PIECE);
      this.zeros.set(n, part);
    }
    this.parts.push(part);
  }

  /** Adds `bytes[from, to)` to the checksum (for callers that pass `summed`). */
  sum(bytes: Uint8Array, from: number, to: number): void {
    let { a, b } = this;
    for (let i = from; i < to; ) {
      const end = Math.min(to, i + NMAX);
      for (; i < end; i++) {
        a += bytes[i]!;
        b += a;
      }
      a %= MOD;
      b %= MOD;
    }
    this.a = a;
    this.b = b;
  }

  /** Adds `n` zero bytes to the checksum (closed form: a is unchanged, b grows by n·a). */
  sumZeros(n: number): void {
    this.b = (this.b + (n % MOD) * this.a) % MOD;
  }

  /** The complete zlib stream: header, the pieces, a final empty block, Adler-32 (big-endian). */
  finish(): Buffer {
    const parts = this.parts;
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE(((this.b << 16) | this.a) >>> 0);
    return Buffer.concat([HEADER, ...parts, FINAL, trailer]);
  }
}
