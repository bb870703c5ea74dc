import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { AtomicFile, OutputDir } from '../fs/output-dir.js';
import type { CocoImage } from './coco-file.js';

/** First line of a part file: the COCO image and the split part it belongs to. */
export interface CocoPartHeader {
  image: CocoImage;
  /** Split part name, or `null` without a split. */
  split: string | null;
  /** True for a tile: annotation ids are assigned when the parts are assembled. */
  tile: boolean;
}

/** Last line of a part file: what the assembly needs besides the annotations. */
export interface CocoPartTrailer {
  /** Class ids used by the annotations, with the feature's class name. */
  categories: Array<[number, string | null]>;
  annotations: number;
  polygons: number;
  rle: number;
  /** Annotations left out (empty mask). */
  skipped: number;
}

const CHUNK = 64 * 1024;
/** Part files are `{cocoImageId}.jsonl`; anything else in the folder (temporary names) is ignored. */
const PART_NAME = /^(\d+)\.jsonl$/;

/**
 * The per-image fragment of a COCO file, written atomically while the COCO writer receives
 * batches: line 1 the {@link CocoPartHeader}, then one annotation JSON per line (starting with
 * `{"id":`), then `{"end":...}` with the {@link CocoPartTrailer}. A part either exists complete
 * under its final name or not at all, so a killed run leaves only whole parts, and the COCO
 * file is assembled from them at close (sorted by COCO image id): a resumed run and an
 * uninterrupted one produce identical bytes. Internal to the COCO writer.
 */
export class CocoPartWriter {
  private buffer = '';

  private constructor(private readonly file: AtomicFile) {}

  static async open(out: OutputDir, rel: string, header: CocoPartHeader): Promise<CocoPartWriter> {
    const file = await out.open(rel);
    const part = new CocoPartWriter(file);
    part.buffer = `${JSON.stringify(header)}\n`;
    return part;
  }

  /** Adds one annotation (its JSON must start with `{"id":`). */
  async add(json: string, signal: AbortSignal): Promise<void> {
    this.buffer += `${json}\n`;
    if (this.buffer.length >= CHUNK) {
      signal.throwIfAborted();
      const chunk = this.buffer;
      this.buffer = '';
      await this.file.write(chunk);
    }
  }

  async commit(trailer: CocoPartTrailer): Promise<void> {
    await this.file.write(`${this.buffer}{"end":${JSON.stringify(trailer)}}\n`);
    this.buffer = '';
    await this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** The part file name of a COCO image id. */
export function cocoPartName(partsDir: string, cocoImageId: number): string {
  return `${partsDir}/${cocoImageId}.jsonl`;
}

/** The complete part files under `absDir`, sorted by COCO image id (none if it does not exist). */
export async function listCocoParts(absDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(absDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((n) => PART_NAME.exec(n))
    .filter((m) => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => `${absDir}/${m[0]}`);
}

/** One parsed part file, read line by line (memory holds one line at a time). */
export interface CocoPartReader {
  header: CocoPartHeader;
  /** The annotation lines, in order. */
  annotations(): AsyncGenerator<string>;
  /** Available once `annotations()` is exhausted. */
  trailer(): CocoPartTrailer;
}

/**
 * Reads a part file: the header first, then streams annotation lines; the trailer is checked
 * at the end (a part without it is corrupt: parts are written atomically, so this means the
 * file was edited by hand).
 */
export async function readCocoPart(file: string): Promise<CocoPartReader> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new Error(`COCO part ${file} is empty`);
  const header = JSON.parse(first.value) as CocoPartHeader;
  let trailer: CocoPartTrailer | undefined;
  return {
    header,
    async *annotations() {
      try {
        for (let r = await it.next(); !r.done; r = await it.next()) {
          const line = r.value;
          if (line.startsWith('{"end":')) {
            trailer = (JSON.parse(line) as { end: CocoPartTrailer }).end;
            break;
          }
          if (line !== '') yield line;
        }
      } finally {
        lines.close();
      }
      if (trailer === undefined) throw new Error(`COCO part ${file} has no trailer line`);
    },
    trailer() {
      if (trailer === undefined) throw new Error(`COCO part ${file}: trailer read before the annotations`);
      return trailer;
    },
  };
}
