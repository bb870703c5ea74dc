import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  ClassMapping,
  Feature,
  Geometry,
  ImageBatch,
  ImageInstance,
  Position,
  Term,
} from '@cytorx/core';
import { type CollectingWriterContext, createWriterContext } from '@cytorx/writers';

export const TERMS: Term[] = [
  { id: 101, name: 'Tumour', color: '#FF0000' },
  { id: 102, name: 'Stroma', color: '#00ff80' },
];

export const CLASSES: ClassMapping = {
  background: 0,
  unlabeled: 255,
  classes: [
    { id: 1, name: 'Tumour', color: '#FF0000', termIds: [101] },
    { id: 2, name: 'Stroma', color: '#00ff80', termIds: [102] },
  ],
};

export async function tempContext(
  options: { classes?: ClassMapping; signal?: AbortSignal } = {},
): Promise<CollectingWriterContext & { root: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'cytorx-writers-'));
  const ctx = await createWriterContext({
    out: root,
    classes: options.classes ?? CLASSES,
    project: { id: 7, name: 'Demo project', ontologyName: 'Demo ontology' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return Object.assign(ctx, { root });
}

export function image(
  id: number,
  width = 64,
  height = 48,
  extra: Partial<ImageInstance> = {},
): ImageInstance {
  return { id, width, height, originalFilename: `slide-${id}.svs`, ...extra };
}

/** A closed ring from [x, y] pairs. */
export function ring(...pts: Position[]): Position[] {
  return [...pts, pts[0]!];
}

export function rectRing(x0: number, y0: number, x1: number, y1: number): Position[] {
  return ring([x0, y0], [x1, y0], [x1, y1], [x0, y1]);
}

export function feature(
  id: number,
  img: ImageInstance,
  geometry: Geometry,
  opts: { classId?: number; termIds?: number[]; user?: number; annotationId?: number } = {},
): Feature {
  const termIds = opts.termIds ?? [101];
  const f: Feature = {
    id,
    annotationId: opts.annotationId ?? id,
    image: img,
    geometry,
    frame: 'image',
    scale: 1,
    termIds,
    terms: TERMS.filter((t) => termIds.includes(t.id)),
    annotation: {
      id: opts.annotationId ?? id,
      image: img.id,
      term: termIds,
      user: opts.user ?? 5,
      created: 1_700_000_000_000 + id,
    },
  };
  const classId = opts.classId ?? (termIds[0] === 101 ? 1 : termIds[0] === 102 ? 2 : undefined);
  if (classId !== undefined) {
    f.classId = classId;
    f.className = CLASSES.classes.find((c) => c.id === classId)?.name ?? 'unlabeled';
  }
  return f;
}

export function batch(img: ImageInstance, features: Feature[]): ImageBatch {
  return { image: img, canvas: { x: 0, y: 0, width: img.width, height: img.height, scale: 1 }, features };
}

export function tileBatch(
  img: ImageInstance,
  tile: { col: number; row: number; size: number },
  features: Feature[],
): ImageBatch {
  return {
    image: img,
    canvas: {
      x: tile.col * tile.size,
      y: tile.row * tile.size,
      width: tile.size,
      height: tile.size,
      scale: 1,
    },
    tile: { col: tile.col, row: tile.row },
    features,
  };
}

/** Every file under `dir`, relative with '/', sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export async function readJson<T = unknown>(root: string, rel: string): Promise<T> {
  return JSON.parse(await readFile(path.join(root, rel), 'utf8')) as T;
}
