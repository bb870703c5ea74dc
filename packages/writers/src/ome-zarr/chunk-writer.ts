import type { OutputDir } from '../fs/output-dir.js';
import { ZlibPieces } from './zlib-pieces.js';

/** What a {@link ChunkWriter} wrote. @internal */
export interface ChunkStats {
  /** Chunk files written (all arrays). */
  chunks: number;
  /** Their compressed bytes. */
  bytes: number;
}

/**
 * Turns painted bands of rows into the `chunkSize`² chunks of Zarr arrays, written as
 * `{dir}/{row}/{col}` (one zlib stream each, every file atomic through the output directory).
 * The bands of one chunk row come one after the other ({@link rows}, at most `pieceRows` rows
 * each); each band's share of a chunk is deflated as soon as it comes (zlib's run-length
 * strategy) and only the compressed pieces are kept until the chunk row ends ({@link endRow}),
 * so memory holds one band, not a row of chunks. A chunk whose pixels are all 0 is left out
 * (the array's `fill_value` is 0); edge chunks are padded with 0, as Zarr v2 stores every
 * chunk at full size. At most `maxInFlight` chunk files are being written at a time. @internal
 */
export class ChunkWriter {
  readonly stats: ChunkStats = { chunks: 0, bytes: 0 };
  /** Relative paths of the chunk files written, in the order they were committed. */
  readonly files: string[] = [];
  /** `chunkSize` zero bytes, to compare row segments with. */
  private readonly zero: Buffer;
  /** Deflated zero runs by length, shared by every chunk. */
  private readonly zeros = new Map<number, Buffer>();
  private readonly inFlight: Promise<unknown>[] = [];
  /** The rows of one chunk in one band (`pieceRows` x `chunkSize`), zero between uses. */
  private readonly piece: Buffer;
  /** Which rows of {@link piece} hold copied pixels. */
  private readonly copied: Uint8Array;
  /** The chunks of the current chunk row that have a label so far, by column. */
  private columns: Array<ZlibPieces | undefined> = [];
  /** Rows of the current chunk row received so far. */
  private received = 0;

  constructor(
    private readonly out: OutputDir,
    private readonly chunkSize: number,
    pieceRows: number,
    private readonly maxInFlight = 8,
  ) {
    this.zero = Buffer.alloc(chunkSize);
    this.piece = Buffer.alloc(pieceRows * chunkSize);
    this.copied = new Uint8Array(pieceRows);
  }

  /**
   * Takes rows `[0, rows)` of `buf` (laid out as PNG rows: `stride` = width + 1 bytes, a filter
   * byte then `width` samples) as the next rows of the current chunk row. Only the rows that
   * `candidates[col]` marks (1) are looked at in chunk column `col` (none when undefined): every
   * other pixel must be 0. The labelled row segments are copied out and set back to 0, so `buf`
   * is all background on return, at a cost that follows the labelled area.
   */
  rows(
    buf: Uint8Array,
    stride: number,
    width: number,
    rows: number,
    candidates: ReadonlyArray<Uint8Array | undefined>,
  ): void {
    const cs = this.chunkSize;
    const { piece, copied } = this;
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let col = 0, x0 = 0; x0 < width; col++, x0 += cs) {
      const w = Math.min(cs, width - x0);
      const marks = candidates[col];
      let first = -1;
      let last = -1;
      for (let y = 0; marks !== undefined && y < rows; y++) {
        const at = y * stride + 1 + x0;
        if (marks[y] === 0 || isZero(view, this.zero, at, w)) continue;
        if (first < 0) first = y;
        last = y;
        view.copy(piece, y * cs, at, at + w);
        view.fill(0, at, at + w);
        copied[y] = 1;
      }
      let chunk = this.columns[col];
      if (first < 0) {
        chunk?.addZeros(rows * cs); // no label here
        continue;
      }
      if (chunk === undefined) {
        chunk = new ZlibPieces(this.zeros);
        chunk.addZeros(this.received * cs); // the rows above, all background
        this.columns[col] = chunk;
      }
      // Leading and trailing background rows are shared zero pieces; rows first..last deflated.
      chunk.addZeros(first * cs);
      for (let y = first; y <= last; y++) {
        if (copied[y] === 1) {
          chunk.sum(piece, y * cs, y * cs + w);
          chunk.sumZeros(cs - w);
          copied[y] = 0;
        } else chunk.sumZeros(cs);
      }
      const used = piece.subarray(first * cs, (last + 1) * cs);
      chunk.add(used, true);
      used.fill(0);
      chunk.addZeros((rows - 1 - last) * cs);
    }
    this.received += rows;
  }

  /** Ends the current chunk row, row `chunkRow` of the array in `dir`: writes its chunks with a label. */
  async endRow(dir: string, chunkRow: number): Promise<void> {
    const full = this.chunkSize * this.chunkSize;
    const columns = this.columns;
    this.columns = [];
    this.received = 0;
    for (const [col, chunk] of columns.entries()) {
      if (chunk === undefined) continue;
      chunk.addZeros(full - chunk.length); // rows below the image's edge
      await this.room();
      this.track(this.write(`${dir}/${chunkRow}/${col}`, chunk));
    }
  }

  /** Waits until every piece and chunk started is written; rejects with the first failure. */
  async flush(): Promise<void> {
    const pending = this.inFlight.splice(0);
    const results = await Promise.allSettled(pending);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  /** Keeps `task` to be awaited in turn (handled now: a failure surfaces when it is awaited). */
  private track(task: Promise<unknown>): void {
    task.catch(() => {});
    this.inFlight.push(task);
  }

  /** Waits for the oldest task while `maxInFlight` are running. */
  private async room(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
  }

  private async write(rel: string, chunk: ZlibPieces): Promise<void> {
    const data = chunk.finish();
    await this.out.writeFile(rel, data);
    this.files.push(rel);
    this.stats.chunks++;
    this.stats.bytes += data.length;
  }
}

/** True when `buf[at, at + w)` is all 0 (memcmp with `zero`). */
function isZero(buf: Buffer, zero: Buffer, at: number, w: number): boolean {
  return buf.compare(zero, 0, w, at, at + w) === 0;
}
