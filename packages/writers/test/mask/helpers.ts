import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClassMapping, Feature, Geometry, ImageBatch, PipelineWarning } from '@cytorx/core';
import { createOutputDir, type WriterContext } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { loadWorkload, type Workload } from '../../../../bench/workloads/workloads.mjs';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');
/** The committed rasterizer workloads and golden mask (bench/workloads). */
export const workloadDir = path.join(repoRoot, 'bench', 'workloads');

export interface TestContext {
  ctx: WriterContext;
  warnings: PipelineWarning[];
  debug: string[];
  controller: AbortController;
  root: string;
}

export async function makeContext(
  classes: ClassMapping = { background: 0, unlabeled: 255, classes: [] },
): Promise<TestContext> {
  const root = await mkdtemp(path.join(tmpdir(), 'cytorx-mask-'));
  const warnings: PipelineWarning[] = [];
  const debug: string[] = [];
  const controller = new AbortController();
  const ctx: WriterContext = {
    out: await createOutputDir(root),
    classes,
    warn: (w) => warnings.push(w),
    logger: { debug: (m) => debug.push(m), info: () => {} },
    signal: controller.signal,
  };
  return { ctx, warnings, debug, controller, root };
}

export function feature(id: number, geometry: Geometry, classId?: number): Feature {
  const f: Feature = {
    id,
    annotationId: id,
    image: { id: 12, width: 100, height: 100 },
    geometry,
    frame: 'image',
    scale: 1,
    termIds: [],
    annotation: { id, term: [] },
  };
  if (classId !== undefined) f.classId = classId;
  return f;
}

export function batch(width: number, height: number, features: Feature[], imageId = 12): ImageBatch {
  return { image: { id: imageId, width, height }, canvas: { x: 0, y: 0, width, height, scale: 1 }, features };
}

/** An axis-aligned rectangle polygon [x0, x1) x [y0, y1), with optional holes. */
export function rect(x0: number, y0: number, x1: number, y1: number, ...holes: Geometry[]): Geometry {
  const ring = (a: number, b: number, c: number, d: number): [number, number][] => [
    [a, b],
    [c, b],
    [c, d],
    [a, d],
    [a, b],
  ];
  const holeRings = holes.flatMap((h) => (h.type === 'Polygon' ? h.coordinates : []));
  return { type: 'Polygon', coordinates: [ring(x0, y0, x1, y1), ...holeRings] };
}

export interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  /** One byte per pixel (grey) or three (RGB). */
  pixels: Uint8Array;
}

/** Decodes a PNG with pngjs (an independent decoder) and checks its IHDR colour type. */
export async function readPng(file: string): Promise<DecodedPng> {
  const bytes = await readFile(file);
  const colorType = bytes[25]!;
  const png = PNG.sync.read(bytes);
  const channels = colorType === 0 ? 1 : 3;
  const pixels = new Uint8Array(png.width * png.height * channels);
  for (let i = 0; i < png.width * png.height; i++) {
    for (let c = 0; c < channels; c++) pixels[i * channels + c] = png.data[i * 4 + c]!;
  }
  return { width: png.width, height: png.height, colorType, pixels };
}

export type { Workload };

/** A workload by name (`workload-2048-1000`), checked against bench/workloads/digests.json. */
export function readWorkload(name: string): Workload {
  return loadWorkload(name);
}

/** Workload annotations as features (flat rings -> one Polygon each: outer + holes). */
export function workloadFeatures(w: Workload): Feature[] {
  return w.annotations.map((a, i) =>
    feature(
      i + 1,
      {
        type: 'Polygon',
        coordinates: a.polygons.map((flat) => {
          const ring: [number, number][] = [];
          for (let k = 0; k < flat.length; k += 2) ring.push([flat[k]!, flat[k + 1]!]);
          return ring;
        }),
      },
      a.class_id,
    ),
  );
}
