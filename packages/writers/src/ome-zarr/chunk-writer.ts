import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { OutputDir } from '../fs/output-dir.js';

const deflateAsync = promisify(deflate);

/** What a {@link ChunkWriter} wrote. @internal */
export interface ChunkStats {
  /** Chunk files written. */
  chunks: number;
  /** Their compressed bytes. */
  bytes: number;
}

/**
 * Cuts painted bands of one Zarr array into `chunkSize`² chunks and writes them as
 * `{dir}/{row}/{col}` (zlib, each file atomic through the output directory). A chunk whose
 * pixels are all 0 is left out (the array's `fill_value` is 0); edge chunks are padded with 0,
 * as Zarr v2 stores every chunk at full size. Each chunk is copied out of the band before
 * {@link band} returns, so the caller may repaint the band at once; at most `maxInFlight`
 * chunks are being compressed or written at a time (the zlib thread pool works while the next
 * band is painted). @internal
 */
export class ChunkWriter {
  readonly stats: ChunkStats = { chunks: 0, bytes: 0 };
  /** Relative paths of the chunk files written, in the order they were committed. */
  readonly files: string[] = [];
  private readonly zero: Buffer;
  private readonly inFlight: Promise<void>[] = [];

  constructor(
    private readonly out: OutputDir,
    private readonly dir: string,
    private readonly chunkSize: number,
    private readonly level: number,
    private readonly maxInFlight = 8,
  ) {
    this.zero = Buffer.alloc(chunkSize);
  }

  /**
   * Writes the chunks of band row `chunkRow`: rows `[0, rows)` of `buf`, laid out as PNG rows
   * (`stride` = width + 1 bytes: a filter byte, then `width` samples).
   */
  async band(buf: Uint8Array, stride: number, width: number, rows: number, chunkRow: number): Promise<void> {
    const cs = this.chunkSize;
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const cols = Math.ceil(width / cs);
    for (let col = 0; col < cols; col++) {
      const x0 = col * cs;
      const w = Math.min(cs, width - x0);
      if (isBackground(view, this.zero, stride, x0 + 1, w, rows)) continue;
      const chunk = Buffer.alloc(cs * cs);
      for (let y = 0; y < rows; y++) {
        const at = y * stride + 1 + x0;
        view.copy(chunk, y * cs, at, at + w);
      }
      const rel = `${this.dir}/${chunkRow}/${col}`;
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
    const data = await deflateAsync(chunk, { level: this.level });
    await this.out.writeFile(rel, data);
    this.files.push(rel);
    this.stats.chunks++;
    this.stats.bytes += data.length;
  }
}

/** True when `w` samples from column offset `x` of each of `rows` rows are all 0 (memcmp). */
function isBackground(
  view: Buffer,
  zero: Buffer,
  stride: number,
  x: number,
  w: number,
  rows: number,
): boolean {
  for (let y = 0; y < rows; y++) {
    const at = y * stride + x;
    if (view.compare(zero, 0, w, at, at + w) !== 0) return false;
  }
  return true;
}
