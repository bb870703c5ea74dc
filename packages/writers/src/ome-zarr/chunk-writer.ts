import { promisify } from 'node:util';
import { constants, deflate } from 'node:zlib';
import type { OutputDir } from '../fs/output-dir.js';

const deflateAsync = promisify(deflate);

/** What a {@link ChunkWriter} wrote. @internal */
export interface ChunkStats {
  /** Chunk files written (all arrays). */
  chunks: number;
  /** Their compressed bytes. */
  bytes: number;
}

/**
 * Cuts painted bands of Zarr arrays into `chunkSize`² chunks and writes them as
 * `{dir}/{row}/{col}` (zlib, each file atomic through the output directory). A chunk whose
 * pixels are all 0 is left out (the array's `fill_value` is 0); edge chunks are padded with 0,
 * as Zarr v2 stores every chunk at full size. Chunks are deflated with zlib's run-length strategy
 * (`Z_RLE`: a plain zlib stream to any reader, about ten times faster than the default strategy
 * on label images, and as small). Each chunk is copied out of the band before
 * {@link band} returns (and the band zeroed), so the caller may repaint it at once; at most `maxInFlight`
 * chunks are being compressed or written at a time (the zlib thread pool works while the next
 * band is painted). @internal
 */
export class ChunkWriter {
  readonly stats: ChunkStats = { chunks: 0, bytes: 0 };
  /** Relative paths of the chunk files written, in the order they were committed. */
  readonly files: string[] = [];
  private readonly zero: Buffer;
  private readonly inFlight: Promise<void>[] = [];
  /** Chunk buffers whose compression is done (zero), at most `maxInFlight` + 1 in all. */
  private readonly free: Buffer[] = [];

  constructor(
    private readonly out: OutputDir,
    private readonly chunkSize: number,
    private readonly maxInFlight = 8,
  ) {
    this.zero = Buffer.alloc(chunkSize);
  }

  /**
   * Writes the chunks of band row `chunkRow` of the array in `dir`: rows `[0, rows)` of `buf`, laid out as PNG rows
   * (`stride` = width + 1 bytes: a filter byte, then `width` samples), and sets those rows back
   * to 0, touching only the labelled row segments: the band is all background on return, ready
   * for the next one, at a cost that follows the labelled area rather than the band's.
   */
  async band(
    dir: string,
    buf: Uint8Array,
    stride: number,
    width: number,
    rows: number,
    chunkRow: number,
  ): Promise<void> {
    const cs = this.chunkSize;
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const cols = Math.ceil(width / cs);
    for (let col = 0; col < cols; col++) {
      const x0 = col * cs;
      const w = Math.min(cs, width - x0);
      // Only the labelled row segments are copied into the (zero) chunk: label images are sparse.
      let chunk: Buffer | undefined;
      for (let y = 0; y < rows; y++) {
        const at = y * stride + 1 + x0;
        if (view.compare(this.zero, 0, w, at, at + w) === 0) continue;
        chunk ??= this.free.pop() ?? Buffer.alloc(cs * cs);
        view.copy(chunk, y * cs, at, at + w);
        view.fill(0, at, at + w);
      }
      if (chunk === undefined) continue; // all background: left out
      const rel = `${dir}/${chunkRow}/${col}`;
      if (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
      const done = this.write(rel, chunk);
      done.catch(() => {}); // awaited in turn, or by flush()
      this.inFlight.push(done);
    }
  }

  /** Waits until every chunk started is written; rejects with the first failure. */
  async flush(): Promise<void> {
    const pending = this.inFlight.splice(0);
    const results = await Promise.allSettled(pending);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  private async write(rel: string, chunk: Buffer): Promise<void> {
    let data: Buffer;
    try {
      // A small output buffer: a label chunk compresses to a few kB, and each call allocates one.
      data = await deflateAsync(chunk, { strategy: constants.Z_RLE, chunkSize: 4096 });
    } finally {
      this.free.push(chunk.fill(0)); // reused by a later chunk
    }
    await this.out.writeFile(rel, data);
    this.files.push(rel);
    this.stats.chunks++;
    this.stats.bytes += data.length;
  }
}
