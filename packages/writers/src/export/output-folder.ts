import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import type { OutputDir } from '../fs/output-dir.js';
import type { ImageRecordData } from './image-record.js';
import { LOCK_FILE } from './output-lock.js';
import type { Manifest } from './run-state.js';

/** Files every export writes besides its per-image files (`.cytorx/` is its working state). */
const FIXED = ['manifest.json', 'report.json', 'classes.json', '.cytorx'];
/** Per-image file and folder names of the built-in writers (tiles: the folder). */
const PER_IMAGE = [
  (id: number) => `geojson/${id}.geojson`,
  (id: number) => `geojson/${id}`,
  (id: number) => `masks/${id}_mask.png`,
  (id: number) => `masks/${id}`,
  (id: number) => `images/${id}.png`,
  (id: number) => `images/${id}`,
  (id: number) => `labels/${id}.zarr`,
];
const FOLDERS = ['geojson', 'masks', 'images', 'labels', 'coco'];

/** What an export does with its output folder. @internal */
export interface FolderClaim {
  /** The previous export's manifest, when the folder holds one. */
  previous: Manifest | undefined;
  /** True when the previous export is continued (`resume` with the same fingerprint). */
  resume: boolean;
}

/**
 * Applies the rule "a folder holds one export" before an export writes anything:
 * - an empty folder: a fresh export;
 * - a folder without a cytorx manifest but with other files: refused, naming some of them;
 * - a folder holding an export with another fingerprint (host, project, filters, options):
 *   refused naming every difference, unless `overwrite`, which removes what that export wrote;
 * - the same fingerprint: continued with `resume`, else its files are removed and it starts over.
 * @throws ConfigError `CYTORX_CONFIG` as above. @internal
 */
export async function claimFolder(
  out: OutputDir,
  previous: Manifest | undefined,
  now: { options: Record<string, unknown>; resume: boolean; overwrite: boolean },
): Promise<FolderClaim> {
  if (previous === undefined) {
    const others = (await readdir(out.root)).filter((n) => n !== LOCK_FILE).sort();
    if (others.length > 0) {
      const shown =
        others.slice(0, 5).join(', ') + (others.length > 5 ? `, ... (${others.length} in all)` : '');
      throw new ConfigError(
        `${out.root} is not empty and holds no cytorx export (${shown}); a folder holds one export: choose an empty or new --out` +
          (now.overwrite
            ? ' (--overwrite removes only files an earlier export recorded in its manifest.json)'
            : ''),
      );
    }
    return { previous, resume: false };
  }
  const diffs = differences(previous.options, now.options);
  if (diffs.length > 0 && !now.overwrite) {
    const what = now.resume ? 'cannot resume into' : 'refusing to export into';
    throw new ConfigError(
      `${what} ${out.root}: it holds an export with other options (${diffs.join('; ')}); use the same options` +
        `${now.resume ? '' : ' with --resume'}, or --overwrite to replace it`,
    );
  }
  if (diffs.length === 0 && now.resume) return { previous, resume: true };
  await removeExport(out, previous);
  return { previous: undefined, resume: false };
}

/** Removes what an earlier export wrote: the files its manifest and records list, then empty folders. */
async function removeExport(out: OutputDir, manifest: Manifest): Promise<void> {
  const written = new Set<string>([...FIXED, ...(manifest.files ?? [])]);
  for (const id of manifest.images.selected) for (const name of PER_IMAGE) written.add(name(id));
  for (const record of await records(out)) {
    for (const files of Object.values(record.files)) for (const f of files) written.add(f);
  }
  for (const rel of written) {
    const full = out.resolve(rel);
    if (!full.startsWith(out.root + path.sep)) continue; // never outside the folder
    await rm(full, { recursive: true, force: true });
  }
  for (const dir of FOLDERS) await rmdir(out.resolve(dir)).catch(() => undefined); // only if empty
}

async function records(out: OutputDir): Promise<ImageRecordData[]> {
  const dir = out.resolve('.cytorx/images');
  const names = await readdir(dir).catch(() => [] as string[]);
  const parsed = await Promise.all(
    names.map((n) =>
      readFile(path.join(dir, n), 'utf8').then(
        (t) => JSON.parse(t) as ImageRecordData,
        () => undefined,
      ),
    ),
  );
  return parsed.filter((r) => r !== undefined);
}

/** Every option whose value differs, as `name: before -> now`. */
export function differences(before: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const diffs: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(now)])) {
    const a = JSON.stringify(before[key]);
    const b = JSON.stringify(now[key]);
    if (a !== b) diffs.push(`${key}: ${short(a)} -> ${short(b)}`);
  }
  return diffs;
}

function short(s: string | undefined): string {
  if (s === undefined) return 'unset';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
