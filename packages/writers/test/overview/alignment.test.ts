// The overlay is right: on the emulator's coordinate-encoding slides, every thumbnail pixel
// the overlay paints decodes to full-resolution coordinates inside an annotation of that
// class (Cytomine's WKT, y flipped), and every pixel it leaves empty decodes to a point
// inside none. A vertically flipped overlay (the ATrISys guide's bug) fails the same check.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOverview } from '../../src/index.js';
import { clientFor, decodeSlide, exportTo, imageRings, locate, readPng, unwrap } from './helpers.js';

let emu: Emulator;
let client: CytomineClient;
let out: string;
const classOfColor = new Map<string, number>();
const classOfTerm = new Map<number, number>();

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 11,
      projects: 1,
      imagesPerProject: 3,
      annotationsPerImage: 40,
      kinds: ['simple', 'hole', 'multi'],
      maxImageWidth: 9000,
    },
  });
  client = clientFor(emu);
  out = await exportTo(client, {
    project: emu.dataset.projects[0]!.id,
    formats: ['geojson', 'mask'],
    maxSize: 2048,
  });
  await buildOverview(out, { client, format: 'png', maxSize: 512 });
  const classes = JSON.parse(await readFile(path.join(out, 'classes.json'), 'utf8')) as {
    classes: Array<{ id: number; color: string; termIds: number[] }>;
  };
  for (const c of classes.classes) {
    classOfColor.set(c.color.toLowerCase(), c.id);
    for (const t of c.termIds) classOfTerm.set(t, c.id);
  }
  classOfColor.set('#808080', 255); // unlabeled: grey
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

const hex = (d: Uint8Array, o: number) =>
  `#${[0, 1, 2].map((k) => d[o + k]!.toString(16).padStart(2, '0')).join('')}`;

/** Checks every thumbnail pixel of every image; `flip` reads the overlay upside down. */
async function check(
  flip: boolean,
): Promise<{ painted: number; empty: number; bad: number; images: number }> {
  const r = { painted: 0, empty: 0, bad: 0, images: 0 };
  for (const image of emu.dataset.images) {
    const thumb = await readPng(path.join(out, 'overview', `${image.id}.png`));
    const overlay = await readPng(path.join(out, 'overview', `${image.id}.overlay.png`));
    expect([overlay.width, overlay.height]).toEqual([thumb.width, thumb.height]);
    r.images++;
    const annotations = emu.dataset.annotations
      .filter((a) => a.image === image.id)
      .map((a) => {
        const rings = imageRings(a, image.height);
        const xs = rings.flat().map((p) => p[0]!);
        const ys = rings.flat().map((p) => p[1]!);
        return {
          rings,
          box: [Math.min(...xs) - 1, Math.min(...ys) - 1, Math.max(...xs) + 1, Math.max(...ys) + 1],
          classes: a.terms.length === 0 ? [255] : a.terms.map((t) => classOfTerm.get(t.term) ?? 255),
        };
      });
    const { width: tw, height: th } = thumb;
    for (let j = 0; j < th; j++) {
      for (let i = 0; i < tw; i++) {
        const o = 4 * ((flip ? th - 1 - j : j) * tw + i);
        const alpha = overlay.data[o + 3]!;
        if (alpha === 255) continue; // outline
        const [dx, dy] = decodeSlide(thumb.data, 4 * (j * tw + i));
        // The full-resolution pixel the thumbnail shows, and its centre.
        const x = unwrap(dx, ((i + 0.5) * image.width) / tw) + 0.5;
        const y = unwrap(dy, ((j + 0.5) * image.height) / th) + 0.5;
        const c = alpha === 0 ? undefined : classOfColor.get(hex(overlay.data, o));
        let ok = alpha === 0;
        for (const a of annotations) {
          const { box } = a;
          if (x < box[0]! || x > box[2]! || y < box[1]! || y > box[3]!) continue;
          const h = locate(a.rings, x, y);
          if (alpha === 0 && h.inside && h.distance > 1) ok = false;
          if (alpha !== 0 && (h.inside || h.distance <= 1) && c !== undefined && a.classes.includes(c))
            ok = true;
        }
        if (alpha === 0) r.empty++;
        else r.painted++;
        if (!ok) r.bad++;
      }
    }
  }
  return r;
}

describe('overview overlay alignment (coordinate-encoding slides)', () => {
  it('painted thumbnail pixels decode to points inside an annotation of their class, empty ones outside all', async () => {
    const r = await check(false);
    expect(r.images).toBe(3);
    expect(r.painted).toBeGreaterThan(1000);
    expect(r.empty).toBeGreaterThan(100_000);
    expect(r.bad).toBe(0);
  });

  it('fails for an overlay drawn upside down (no y flip)', async () => {
    const r = await check(true);
    expect(r.bad).toBeGreaterThan(r.painted / 2);
  });
});
