// Helpers of the OME-Zarr writer tests: seeded blob features, the mask writer's PNG at a zoom
// (decoded with pngjs), and Zarr levels read back with zarrita.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type ClassMapping,
  type Feature,
  type Geometry,
  type ImageBatch,
  imageBatch,
  type Position,
  scale,
} from '@cytorx/core';
import { type MaskWriterOptions, maskWriter } from '@cytorx/writers';
import FileSystemStore from '@zarrita/storage/fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import * as zarr from 'zarrita';
import { makeContext, readPng } from '../mask/helpers.js';

export const CLASSES: ClassMapping = {
  background: 0,
  unlabeled: 255,
  classes: [
    { id: 1, name: 'tumour', color: '#ff0000', termIds: [11] },
    { id: 2, name: 'stroma', color: '#00ff00', termIds: [12] },
    { id: 3, name: 'necrosis', termIds: [13] },
  ],
};

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` wobbly polygons on a `width` x `height` image, some with a hole, some multipolygons,
 * some without a class (unlabeled), coordinates with arbitrary fractions, overlapping.
 */
export function blobFeatures(
  count: number,
  width: number,
  height: number,
  seed: number,
  imageId = 12,
): Feature[] {
  const rnd = prng(seed);
  const image = { id: imageId, width, height };
  const blob = (cx: number, cy: number, r: number): Position[][] => {
    const n = 5 + Math.floor(rnd() * 30);
    const ring = (k: number): Position[] => {
      const pts: Position[] = [];
      for (let i = 0; i < n; i++) {
        const t = (2 * Math.PI * i) / n;
        const rr = k * r * (0.6 + 0.4 * rnd());
        pts.push([clamp(cx + rr * Math.cos(t), width), clamp(cy + rr * Math.sin(t), height)]);
      }
      pts.push(pts[0]!);
      return pts;
    };
    return rnd() < 0.25 ? [ring(1), ring(0.3)] : [ring(1)];
  };
  const out: Feature[] = [];
  for (let i = 0; i < count; i++) {
    const r = 2 + rnd() * Math.min(width, height) * 0.15;
    const cx = rnd() * width;
    const cy = rnd() * height;
    const geometry: Geometry =
      rnd() < 0.2
        ? { type: 'MultiPolygon', coordinates: [blob(cx, cy, r), blob(cx + r * 2, cy, r / 2)] }
        : { type: 'Polygon', coordinates: blob(cx, cy, r) };
    const f: Feature = {
      id: i + 1,
      annotationId: i + 1,
      image,
      geometry,
      frame: 'image',
      scale: 1,
      termIds: [],
      annotation: { id: i + 1, term: [] },
    };
    const c = Math.floor(rnd() * 4);
    if (c > 0) f.classId = c;
    out.push(f);
  }
  return out;
}

function clamp(v: number, max: number): number {
  return Math.min(max, Math.max(0, v));
}

/** The batch the export makes at zoom `z` from full-resolution features: `scale(2^-z)`, `imageBatch`. */
export async function zoomBatch(batch: ImageBatch, z: number): Promise<ImageBatch> {
  const f = 2 ** -z;
  const features = await lastValueFrom(from(batch.features).pipe(scale(f), toArray()));
  return imageBatch(batch.image, features, batch.canvas.scale * f);
}

/** The mask writer's PNG of `batch`, decoded with pngjs: one byte per pixel. */
export async function maskPixels(
  batch: ImageBatch,
  classes: ClassMapping,
  options: MaskWriterOptions = {},
): Promise<Uint8Array> {
  const { ctx, root } = await makeContext(classes);
  try {
    const writer = maskWriter(options);
    await writer.write(batch, ctx);
    await writer.close(ctx);
    const png = await readPng(path.join(root, `masks/${batch.image.id}_mask.png`));
    if (png.colorType !== 0) throw new Error('expected a greyscale PNG');
    return png.pixels;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A level of a label image, read with zarrita (an independent Zarr v2 reader). */
export async function readLevel(
  root: string,
  image: string,
  level: number,
): Promise<{ shape: number[]; chunks: number[]; data: Uint8Array }> {
  const store = new FileSystemStore(root);
  const arr = await zarr.open.v2(zarr.root(store).resolve(`${image}/${level}`), { kind: 'array' });
  if (arr.dtype !== 'uint8') throw new Error(`level ${level} is ${arr.dtype}, not uint8`);
  const got = await zarr.get(arr);
  return { shape: arr.shape, chunks: arr.chunks, data: got.data as Uint8Array };
}

/** The group attributes of a label image, read with zarrita. */
export async function readAttrs(root: string, image: string): Promise<Record<string, unknown>> {
  const store = new FileSystemStore(root);
  const group = await zarr.open.v2(zarr.root(store).resolve(image), { kind: 'group' });
  return group.attrs as Record<string, unknown>;
}

/** Relative paths (`/`-separated) of every file under `dir`, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Every file under `dir` with its bytes. */
export async function readFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const f of await listTree(dir)) files.set(f, await readFile(path.join(dir, f)));
  return files;
}

/** `chunk row/col` keys whose `cs`² block of a `width` x `height` image has a non-zero pixel. */
export function nonEmptyChunks(pixels: Uint8Array, width: number, height: number, cs: number): string[] {
  const keys = new Set<string>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] !== 0) keys.add(`${Math.floor(y / cs)}/${Math.floor(x / cs)}`);
    }
  }
  return [...keys].sort();
}

/** The first differing pixel, or undefined. */
export function firstDifference(a: Uint8Array, b: Uint8Array, width: number): string | undefined {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return `pixel (${i % width}, ${Math.floor(i / width)}): ${a[i]} vs ${b[i]}`;
  }
  return undefined;
}
