// Shared helpers of the export end-to-end tests: an emulator per suite, export runs, reading
// the output tree back.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ClientOptions, type CytomineClient, createClient, type Position } from '@cytorx/core';
import type { DatasetAnnotation, Emulator, GenerateOptions } from '@cytorx/emulator';
import { type ExportEvent, type ExportOptions, type ExportSummary, exportProject } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { lastValueFrom, toArray } from 'rxjs';

/** Small images and the default kinds (holes, multipolygons, outside, points, lines, bow-ties, bad WKT). */
export const DATASET: GenerateOptions = {
  seed: 7,
  projects: 1,
  imagesPerProject: 5,
  annotationsPerImage: 40,
  malformedWkt: true,
  imageSize: { width: 600, height: 480 },
};

export function clientFor(emu: Emulator, options: Partial<ClientOptions> = {}): CytomineClient {
  return createClient({
    host: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    pageSize: 16,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 10 },
    ...options,
  });
}

export function tempDir(prefix = 'cytorx-export-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface RunResult {
  out: string;
  events: ExportEvent[];
  summary: ExportSummary;
}

/** Runs an export to a new temporary directory (or `options.out`) and collects its events. */
export async function runExport(
  client: CytomineClient,
  options: Omit<ExportOptions, 'out'> & { out?: string },
): Promise<RunResult> {
  const out = options.out ?? (await tempDir());
  const events = await lastValueFrom(exportProject(client, { ...options, out }).pipe(toArray()));
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`last event is ${done?.type}`);
  return { out, events, summary: done.summary };
}

/** Every file under `dir` (relative paths, `/`-separated) with its bytes. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  const tree = new Map<string, Buffer>();
  for (const f of files) tree.set(f, await readFile(path.join(dir, f)));
  return tree;
}

/** Names of the files that differ between two trees (missing on either side included). */
export function treeDiff(a: Map<string, Buffer>, b: Map<string, Buffer>, ignore: string[] = []): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names]
    .filter((n) => !ignore.includes(n) && !(a.get(n)?.equals(b.get(n) ?? Buffer.alloc(0)) ?? false))
    .sort();
}

export async function readJson<T>(dir: string, rel: string): Promise<T> {
  return JSON.parse(await readFile(path.join(dir, rel), 'utf8')) as T;
}

export async function readPng(dir: string, rel: string): Promise<PNG> {
  return PNG.sync.read(await readFile(path.join(dir, rel)));
}

/** Grey value of pixel (x, y) of a decoded 8-bit greyscale PNG (pngjs expands to RGBA). */
export function grey(png: PNG, x: number, y: number): number {
  return png.data[(y * png.width + x) * 4]!;
}

export interface GeojsonFeature {
  id: number;
  geometry: { type: string; coordinates: unknown };
  properties: {
    image_id: number;
    annotation_id: number;
    class_id: number;
    class_name: string;
    /** `null` for a feature without terms (never an empty array). */
    term_ids: number[] | null;
    user_id: number;
  };
}

export interface Coco {
  images: { id: number; file_name: string; width: number; height: number; [k: string]: unknown }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    area: number;
    bbox: [number, number, number, number];
    annotation_id: number;
    segmentation: unknown;
  }[];
  categories: { id: number; name: string; supercategory: string }[];
}

export interface Report {
  complete: boolean;
  totals: Record<string, number>;
  images: Array<{
    id: number;
    annotations: number;
    features: number;
    contestedPixels: number;
    files: Record<string, string[]>;
  }>;
  skipped: Array<{
    imageId: number;
    annotationId: number | null;
    code: string;
    stage: string;
    message: string;
  }>;
  warnings: Array<{ imageId: number; annotationId: number | null; code: string; stage: string }>;
  classes: Array<{ id: number; name: string; features: number }>;
  writers: Array<{ writer: string; files: number; outputs: string[]; failed: boolean; errors: string[] }>;
}

export async function geojsonFeatures(dir: string, rel: string): Promise<GeojsonFeature[]> {
  return (await readJson<{ features: GeojsonFeature[] }>(dir, rel)).features;
}

/** The ring of a `POLYGON ((...))` WKT without holes, parsed by hand (independently of wkx). */
export function simpleRing(a: DatasetAnnotation): Position[] | undefined {
  if (!/^POLYGON \(\([^()]*\)\)$/.test(a.location)) return undefined;
  return a.location
    .slice('POLYGON (('.length, -2)
    .split(',')
    .map((pair) => pair.trim().split(/\s+/).map(Number) as Position);
}
