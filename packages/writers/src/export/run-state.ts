import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import { isTemporaryName, type OutputDir } from '../fs/output-dir.js';
import type { ImageRecordData } from './image-record.js';
import { claimFolder } from './output-folder.js';

/** Folder of the export's working state (per-image records, COCO parts) inside the output directory. */
export const STATE_DIR = '.cytorx';
export const MANIFEST = 'manifest.json';
/** Folder of the per-image COCO parts, assembled when the run finishes. */
export const COCO_PARTS = `${STATE_DIR}/coco`;
const RECORDS = `${STATE_DIR}/images`;

/** manifest.json: what the export is and how far it got. No timings: resumed runs write the same bytes. */
export interface Manifest {
  cytorx: 'export';
  version: 1;
  /** `running` while images remain, `complete` at the end, `incomplete` after a failure or cancellation. */
  status: 'running' | 'complete' | 'incomplete';
  /** The options that shape the output; `--resume` refuses a directory written with others. */
  options: Record<string, unknown>;
  images: {
    /** Selected image ids, ascending. */
    selected: number[];
    /** Image ids whose files are all written, ascending. */
    complete: number[];
  };
  /** With `shard`: which shard, and every image id of the set the shards were cut from. */
  shard?: ManifestShard;
  /** Every file the export wrote (relative paths, sorted), in the final manifest: what `overwrite` removes. */
  files?: string[];
}

/** The shard an export wrote, and the image set (ascending ids) its partition was cut from. */
export interface ManifestShard {
  index: number;
  count: number;
  images: number[];
}

/** How {@link RunState.open} opens the state. @internal */
export interface OpenOptions {
  /** The fingerprint: host, project, filters and the options that shape the output. */
  options: Record<string, unknown>;
  selected: number[];
  shard: ManifestShard | undefined;
  resume: boolean;
  overwrite: boolean;
}

/**
 * The resumable state of one export in its output directory. An image is complete once its
 * record `.cytorx/images/{id}.json` exists: it is written (atomically) only after every writer
 * committed the image's files. manifest.json is rewritten (atomically) after each completion
 * and says the same for readers; on resume the records are the truth (a kill between the
 * record and the manifest rewrite loses nothing). @internal
 */
export class RunState {
  private readonly complete = new Set<number>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private status: Manifest['status'] = 'running';
  private files: string[] | undefined;
  /** True when resuming a directory whose export already completed (nothing left to do). */
  finished = false;

  private constructor(
    private readonly out: OutputDir,
    private readonly opened: OpenOptions,
  ) {}

  /**
   * Opens the state: removes leftover temporary files, applies the folder rule (`claimFolder`:
   * a folder holds one export), and with `resume` loads the completed images.
   * @throws ConfigError `CYTORX_CONFIG` when the folder holds other files or another export.
   */
  static async open(out: OutputDir, opened: OpenOptions): Promise<RunState> {
    const state = new RunState(out, opened);
    await removeTemporaryFiles(out.root);
    const claim = await claimFolder(out, await readManifest(out), opened);
    const previous = claim.resume ? claim.previous : undefined;
    if (previous?.status === 'complete' && sameIds(previous.images.complete, opened.selected)) {
      for (const id of opened.selected) state.complete.add(id);
      state.finished = true;
      state.status = 'complete';
      return state;
    }
    // Finished earlier but the server now has other images: its records are gone, start over.
    if (previous === undefined || previous.status === 'complete') {
      await rm(out.resolve(STATE_DIR), { recursive: true, force: true });
    } else {
      const wanted = new Set(opened.selected);
      for (const id of await recordIds(out)) if (wanted.has(id)) state.complete.add(id);
    }
    await state.writeManifest();
    return state;
  }

  isComplete(imageId: number): boolean {
    return this.complete.has(imageId);
  }

  get completeCount(): number {
    return this.complete.size;
  }

  /** Persists an image's record (making it complete), then refreshes the manifest. */
  async markComplete(record: ImageRecordData): Promise<void> {
    await this.out.writeFile(`${RECORDS}/${record.id}.json`, `${JSON.stringify(record)}\n`);
    this.complete.add(record.id);
    await this.refresh();
  }

  /** Reads the records of every complete image, ascending id (those of earlier runs included). */
  async *records(): AsyncGenerator<ImageRecordData> {
    for (const id of [...this.complete].sort((a, b) => a - b)) {
      const text = await readFile(this.out.resolve(`${RECORDS}/${id}.json`), 'utf8').catch(() => undefined);
      if (text !== undefined) yield JSON.parse(text) as ImageRecordData;
    }
  }

  /** Writes the final manifest with every file written; on success the working state is removed. */
  async finish(status: 'complete' | 'incomplete', files?: string[]): Promise<void> {
    await this.writing;
    this.status = status;
    if (files !== undefined) this.files = [...new Set(files)].sort();
    await this.writeManifest();
    if (status === 'complete') await rm(this.out.resolve(STATE_DIR), { recursive: true, force: true });
  }

  /** Rewrites the manifest, coalescing completions that arrive while a rewrite is in flight. */
  private refresh(): Promise<void> {
    if (this.dirty) return this.writing;
    this.dirty = true;
    this.writing = this.writing.then(() => {
      this.dirty = false;
      return this.writeManifest();
    });
    return this.writing;
  }

  private writeManifest(): Promise<void> {
    const { options, selected, shard } = this.opened;
    const manifest: Manifest = {
      cytorx: 'export',
      version: 1,
      status: this.status,
      options,
      images: { selected, complete: [...this.complete].sort((a, b) => a - b) },
      ...(shard !== undefined ? { shard } : {}),
      ...(this.files !== undefined ? { files: this.files } : {}),
    };
    return this.out.writeFile(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
  }
}

/** The folder's manifest.json, if any. @internal
 * @throws ConfigError `CYTORX_CONFIG` when it is not a cytorx export manifest. */
export async function readManifest(out: Pick<OutputDir, 'resolve'>): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(out.resolve(MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
  const m = JSON.parse(text) as Partial<Manifest>;
  if (m.cytorx !== 'export' || m.version !== 1 || typeof m.options !== 'object' || m.images === undefined) {
    throw new ConfigError(
      `${out.resolve(MANIFEST)} is not a cytorx export manifest; a folder holds one export: choose another --out`,
    );
  }
  return m as Manifest;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((id) => set.has(id));
}

async function recordIds(out: OutputDir): Promise<number[]> {
  const names = await readdir(out.resolve(RECORDS)).catch(() => [] as string[]);
  return names
    .map((n) => /^(\d+)\.json$/.exec(n)?.[1])
    .flatMap((id) => (id === undefined ? [] : [Number(id)]));
}

/** Removes the temporary files a killed run left anywhere under `root`. */
async function removeTemporaryFiles(root: string): Promise<void> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((e) => e.isFile() && isTemporaryName(e.name))
      .map((e) => rm(path.join(e.parentPath, e.name), { force: true })),
  );
}
