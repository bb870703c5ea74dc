// Helpers of the overview tests: an export of an emulator project, the pictures and cards of
// its overview read back, and an independent point-in-annotation test on Cytomine's WKT.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CytomineClient, createClient } from '@cytorx/core';
import type { DatasetAnnotation, Emulator } from '@cytorx/emulator';
import { PNG } from 'pngjs';
import { lastValueFrom } from 'rxjs';
import { type ExportOptions, exportProject } from '../../src/index.js';

export function clientFor(emu: Emulator, maxAttempts = 5): CytomineClient {
  return createClient({
    host: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts },
  });
}

/** Exports `project` into a new temporary folder; returns the folder. */
export async function exportTo(client: CytomineClient, options: Omit<ExportOptions, 'out'>): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'cytorx-overview-'));
  await lastValueFrom(exportProject(client, { ...options, out }));
  return out;
}

export async function readPng(file: string): Promise<PNG> {
  return PNG.sync.read(await readFile(file));
}

/** Full-resolution top-left coordinates encoded by an emulator slide pixel, modulo 4096. */
export function decodeSlide(data: Uint8Array, o: number): [number, number] {
  const r = data[o]!;
  const g = data[o + 1]!;
  const b = data[o + 2]!;
  return [((b >> 4) << 8) | r, ((b & 15) << 8) | g];
}

/** The value congruent to `v` modulo 4096 nearest to `near`. */
export function unwrap(v: number, near: number): number {
  return v + 4096 * Math.round((near - v) / 4096);
}

/** An annotation's rings in image space (y down, full resolution): Cytomine's y flipped, `y = H - y`. */
export function imageRings(a: DatasetAnnotation, height: number): number[][][] {
  return [...a.location.matchAll(/\(([^()]+)\)/g)].map((m) =>
    m[1]!
      .split(',')
      .map((p) => p.trim().split(/\s+/).map(Number))
      .map(([x, y]) => [x!, height - y!]),
  );
}

/** Even-odd inside test over all rings, and the distance to the nearest edge. */
export function locate(rings: number[][][], x: number, y: number): { inside: boolean; distance: number } {
  let inside = false;
  let distance = Number.POSITIVE_INFINITY;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
      const dx = xj! - xi!;
      const dy = yj! - yi!;
      const t = Math.max(0, Math.min(1, ((x - xi!) * dx + (y - yi!) * dy) / (dx * dx + dy * dy || 1)));
      distance = Math.min(distance, Math.hypot(x - (xi! + t * dx), y - (yi! + t * dy)));
    }
  }
  return { inside, distance };
}

/** The cards of overview.html: image id and the data attributes of each card and its class rows. */
export function parseCards(html: string): Array<{
  id: number;
  attrs: Record<string, string>;
  classes: Map<number, { count: number; maskPx: number }>;
}> {
  return [...html.matchAll(/<article class="card[^"]*"([^>]*)>([\s\S]*?)<\/article>/g)].map((m) => {
    const attrs = Object.fromEntries(
      [...m[1]!.matchAll(/data-([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]),
    );
    const classes = new Map<number, { count: number; maskPx: number }>();
    for (const row of m[2]!.matchAll(
      /<tr data-class-id="(\d+)" data-count="(\d+)">[\s\S]*?data-mask-px="(\d+)"/g,
    )) {
      classes.set(Number(row[1]), { count: Number(row[2]), maskPx: Number(row[3]) });
    }
    return { id: Number(attrs['image-id']), attrs, classes };
  });
}
