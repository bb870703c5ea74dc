import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Canvas, PipelineWarning } from '@cytorx/core';
import { createOutputDir, type WriterContext } from '@cytorx/writers';
import { PNG } from 'pngjs';

export interface TestContext {
  ctx: WriterContext;
  warnings: PipelineWarning[];
  controller: AbortController;
  root: string;
}

export async function makeContext(): Promise<TestContext> {
  const root = await mkdtemp(path.join(tmpdir(), 'cytorx-images-'));
  const warnings: PipelineWarning[] = [];
  const controller = new AbortController();
  const ctx: WriterContext = {
    out: await createOutputDir(root),
    classes: { background: 0, unlabeled: 255, classes: [] },
    warn: (w) => warnings.push(w),
    logger: { debug: () => {}, info: () => {} },
    signal: controller.signal,
  };
  return { ctx, warnings, controller, root };
}

export interface Decoded {
  width: number;
  height: number;
  /** RGBA. */
  data: Uint8Array;
  /** Colour type from the PNG header (2 = RGB). */
  colorType: number;
}

export async function readPng(file: string): Promise<Decoded> {
  const bytes = await readFile(file);
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, data: png.data, colorType: bytes[25]! };
}

/** Every file under `root`, relative, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/** The emulator's synthetic slide, written independently of its source (README formula). */
export function slide(x: number, y: number): [number, number, number] {
  return [x % 256, y % 256, (Math.floor(x / 256) % 16) * 16 + (Math.floor(y / 256) % 16)];
}

/** The coordinates a (possibly averaged) slide pixel encodes. */
export function decodeCoords(r: number, g: number, b: number): [number, number] {
  return [r + 256 * (b >> 4), g + 256 * (b & 15)];
}

/**
 * The expected RGB of every canvas pixel, brute force: the mean of the slide pixels of the
 * block `[(x+i)/s, (x+i+1)/s) × ...` that are inside `[0, sw) × [0, sh)` (the server's image),
 * rounded half up; black when none is.
 */
export function oracle(canvas: Canvas, sw: number, sh: number): Uint8Array {
  const n = Math.round(1 / canvas.scale);
  const out = new Uint8Array(canvas.width * canvas.height * 3);
  for (let j = 0; j < canvas.height; j++) {
    for (let i = 0; i < canvas.width; i++) {
      const sum = [0, 0, 0];
      let count = 0;
      for (let yy = (canvas.y + j) * n; yy < (canvas.y + j + 1) * n; yy++) {
        for (let xx = (canvas.x + i) * n; xx < (canvas.x + i + 1) * n; xx++) {
          if (xx >= sw || yy >= sh) continue;
          const p = slide(xx, yy);
          for (let c = 0; c < 3; c++) sum[c]! += p[c]!;
          count++;
        }
      }
      const o = 3 * (j * canvas.width + i);
      for (let c = 0; c < 3; c++)
        out[o + c] = count === 0 ? 0 : Math.floor((2 * sum[c]! + count) / (2 * count));
    }
  }
  return out;
}

/** RGB of a decoded PNG (drops alpha). */
export function rgb(img: Decoded): Uint8Array {
  const out = new Uint8Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) {
    out[3 * p] = img.data[4 * p]!;
    out[3 * p + 1] = img.data[4 * p + 1]!;
    out[3 * p + 2] = img.data[4 * p + 2]!;
  }
  return out;
}

/** First differing pixel of two RGB buffers of a `width`-wide image, for readable failures. */
export function firstDiff(a: Uint8Array, b: Uint8Array, width: number): string | undefined {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== b[k]) {
      const p = Math.floor(k / 3);
      return `pixel (${p % width}, ${Math.floor(p / width)}): ${[...a.subarray(3 * p, 3 * p + 3)]} vs ${[...b.subarray(3 * p, 3 * p + 3)]}`;
    }
  }
  return undefined;
}
