// Issue 14 point 6: the round trip against the emulator. Export alice's annotations as masks
// (or COCO), upload them as bob's annotations on the same images, export bob's, and get the
// same pixels: untiled masks, tiled masks at a zoom level with overlapping tiles, and cytorx's
// own tiled COCO with RLE (compared instance by instance).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorizeMask } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { rasterizeSpans, rleDecode } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';

let emu: Emulator;
let home: string;
let project: number;
let terms: string[];
let alice: number;
let bob: number;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'cytorx-round-trip-'));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});
beforeEach(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 77,
      projects: 1,
      imagesPerProject: 2,
      annotationsPerImage: 40,
      imageSize: { width: 1200, height: 900 },
    },
  });
  const d = emu.dataset;
  project = d.projects[0]!.id;
  terms = d.terms.filter((t) => t.ontology === d.projects[0]!.ontology).map((t) => String(t.id));
  [alice, bob] = d.users.map((u) => u.id) as [number, number];
  // Bob starts with no annotation: whatever he has at the end, the uploads made.
  d.annotations = d.annotations.filter((a) => a.user !== bob);
});
afterEach(async () => {
  await emu.close();
});

const env = (user: number) => {
  const u = emu.dataset.users.find((x) => x.id === user)!;
  return { CYTOMINE_HOST: emu.url, CYTOMINE_PUBLIC_KEY: u.publicKey, CYTOMINE_PRIVATE_KEY: u.privateKey };
};
let runs = 0;
async function cytorx(user: number, argv: string[]) {
  const r = await runInProcess(argv, { env: env(user), home });
  if (r.code !== 0) throw new Error(`cytorx ${argv.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}
/** Exports one user's annotations (those with a term: unlabeled ones have no class to upload). */
async function exportOf(user: number, extra: string[]): Promise<string> {
  const out = join(home, `export-${runs++}`);
  await cytorx(alice, [
    'export',
    '--project',
    String(project),
    '--out',
    out,
    '--user',
    String(user),
    '--term',
    ...terms,
    '--progress',
    'none',
    ...extra,
  ]);
  return out;
}
function pngPixels(path: string): { width: number; height: number; grey: Uint8Array } {
  const png = PNG.sync.read(readFileSync(path));
  const grey = new Uint8Array(png.width * png.height);
  for (let i = 0; i < grey.length; i++) grey[i] = png.data[4 * i]!;
  return { width: png.width, height: png.height, grey };
}
/** The same files with the same pixels (the message counts the differing pixels). */
function expectSameMasks(
  got: Map<string, ReturnType<typeof pngPixels>>,
  want: Map<string, ReturnType<typeof pngPixels>>,
) {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [name, w] of want) {
    const g = got.get(name)!;
    let differing = 0;
    for (let i = 0; i < w.grey.length; i++) if (g.grey[i] !== w.grey[i]) differing++;
    expect({ name, width: g.width, height: g.height, differing }).toEqual({
      name,
      width: w.width,
      height: w.height,
      differing: 0,
    });
  }
}
/** Every mask file under `dir`, relative path -> pixels. */
function masksOf(dir: string): Map<string, ReturnType<typeof pngPixels>> {
  const out = new Map<string, ReturnType<typeof pngPixels>>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.png')) {
      const rel = join(entry.parentPath.slice(dir.length), entry.name);
      out.set(rel, pngPixels(join(entry.parentPath, entry.name)));
    }
  }
  return out;
}
const bobsAnnotations = () => emu.dataset.annotations.filter((a) => a.user === bob).length;

describe('round trip: export masks, upload as another user, export again', () => {
  it('untiled masks come back pixel-identical', async () => {
    const a = await exportOf(alice, ['--format', 'mask']);
    const before = masksOf(join(a, 'masks'));
    expect(before.size).toBe(2);
    const painted = [...before.values()].reduce((n, m) => n + m.grey.filter((v) => v !== 0).length, 0);
    expect(painted).toBeGreaterThan(10_000);
    const up = await cytorx(bob, [
      'upload',
      '--project',
      String(project),
      '--from',
      join(a, 'masks'),
      '--max-vertices',
      '0',
    ]);
    expect(up.stderr).toMatch(/classes: .*classes\.json \(the export's own/);
    expect(up.stderr).toMatch(/refused 0, failed 0/);
    expect(bobsAnnotations()).toBeGreaterThan(20);
    const b = await exportOf(bob, ['--format', 'mask']);
    expectSameMasks(masksOf(join(b, 'masks')), before);
  });

  it('tiled masks at zoom 1 with overlapping tiles: the same canvas, objects cut by tiles made whole', async () => {
    const tiling = ['--format', 'mask', '--zoom', '1', '--tile', '160', '--tile-overlap', '16'];
    const a = await exportOf(alice, tiling);
    const tiles = masksOf(join(a, 'masks'));
    expect(tiles.size).toBeGreaterThan(10);
    await cytorx(bob, ['upload', '--project', String(project), '--from', a, '--max-vertices', '0']);
    const b = await exportOf(bob, tiling);
    const bobTiles = masksOf(join(b, 'masks'));
    for (const image of emu.dataset.images) {
      // Each canvas pixel from the tile whose stride cell holds it (overlaps of the export's
      // own tiles may disagree by a pixel where a clipped edge was snapped).
      const expected = assemble(tiles, image.id, 600, 450, 160, 16);
      expect(expected.some((v) => v !== 0)).toBe(true);
      const got = assemble(bobTiles, image.id, 600, 450, 160, 16);
      expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
    }
    // Bob's tiles agree with each other where they overlap, and each of his annotations is
    // one region: an object cut by tile borders is one annotation.
    const canvases = new Map(
      emu.dataset.images.map((i) => [i.id, assemble(bobTiles, i.id, 600, 450, 160, 16)]),
    );
    for (const [name, tile] of bobTiles) {
      const [, image, x, y] = /\/(\d+)\/(\d+)_(\d+)\.png$/.exec(name)!.map(Number) as number[];
      const canvas = canvases.get(image!)!;
      const window = tile.grey.map(
        (_, i) => canvas[(y! + Math.floor(i / tile.width)) * 600 + x! + (i % tile.width)]!,
      );
      expect(Buffer.from(window).equals(Buffer.from(tile.grey))).toBe(true);
    }
    const c = await exportOf(bob, ['--format', 'geojson']);
    const features = readdirSync(join(c, 'geojson')).flatMap(
      (f) => (JSON.parse(readFileSync(join(c, 'geojson', f), 'utf8')) as { features: unknown[] }).features,
    );
    expect(features.length).toBe(bobsAnnotations());
    expect(features.length).toBeLessThan(tilePieces(tiles));
  });

  it("cytorx's tiled COCO (RLE where there are holes) comes back instance by instance", async () => {
    const a = await exportOf(alice, ['--format', 'coco', '--tile', '256', '--tile-overlap', '32']);
    const doc = JSON.parse(readFileSync(join(a, 'coco', 'annotations.json'), 'utf8')) as Coco;
    expect(doc.annotations.some((x) => !Array.isArray(x.segmentation))).toBe(true);
    const up = await cytorx(bob, [
      'upload',
      '--project',
      String(project),
      '--from',
      join(a, 'coco', 'annotations.json'),
      '--max-vertices',
      '0',
    ]);
    expect(up.stderr).toMatch(/refused 0, failed 0/);
    // Alice's instances: the pieces of each annotation, each from the tile owning its cells.
    const expected = new Map<string, Set<number>>();
    const images = new Map(doc.images.map((i) => [i.id, i]));
    for (const x of doc.annotations) {
      const im = images.get(x.image_id)!;
      const key = `${im.cytomine_image_id}/${x.category_id}/${x.annotation_id}`;
      const set = expected.get(key) ?? new Set<number>();
      expected.set(key, set);
      const x1 = Math.floor(im.tile_x! / 224) === 4 ? 1200 : im.tile_x! + 224;
      const y1 = Math.floor(im.tile_y! / 224) === 3 ? 900 : im.tile_y! + 224;
      segmentationPixels(x.segmentation, im.width, im.height).forEach((v, i) => {
        const px = im.tile_x! + (i % im.width);
        const py = im.tile_y! + Math.floor(i / im.width);
        if (v && px < x1 && py < y1) set.add(py * 1200 + px);
      });
    }
    const b = await exportOf(bob, ['--format', 'coco']);
    const bobs = JSON.parse(readFileSync(join(b, 'coco', 'annotations.json'), 'utf8')) as Coco;
    const got = bobs.annotations
      .map((x) => {
        const on: number[] = [];
        segmentationPixels(x.segmentation, 1200, 900).forEach((v, i) => {
          if (v) on.push(i);
        });
        return `${x.image_id}/${x.category_id}/${on.join(',')}`;
      })
      .sort();
    const want = [...expected]
      .map(([k, set]) => `${k.split('/').slice(0, 2).join('/')}/${[...set].sort((p, q) => p - q).join(',')}`)
      .sort();
    expect(want.length).toBeGreaterThan(20);
    expect(got).toEqual(want);
  });
});

interface Coco {
  images: Array<{
    id: number;
    width: number;
    height: number;
    cytomine_image_id?: number;
    tile_x?: number;
    tile_y?: number;
  }>;
  annotations: Array<{ image_id: number; category_id: number; segmentation: unknown; annotation_id: number }>;
}

/** The canvas of a tiled mask export: each pixel from the tile whose stride cell holds it. */
function assemble(
  tiles: Map<string, ReturnType<typeof pngPixels>>,
  image: number,
  width: number,
  height: number,
  size: number,
  overlap: number,
): Uint8Array {
  const stride = size - overlap;
  const cols = Math.ceil((width - overlap) / stride);
  const rows = Math.ceil((height - overlap) / stride);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const tx = Math.min(Math.floor(x / stride), cols - 1) * stride;
      const ty = Math.min(Math.floor(y / stride), rows - 1) * stride;
      const tile = tiles.get(`/${image}/${tx}_${ty}.png`);
      out[y * width + x] = tile ? tile.grey[(y - ty) * tile.width + (x - tx)]! : 0;
    }
  }
  return out;
}

/** Regions in the tiles (8-connected runs of one class, counted per tile): pieces of objects. */
function tilePieces(tiles: Map<string, ReturnType<typeof pngPixels>>): number {
  let n = 0;
  for (const t of tiles.values()) n += vectorizeMask(t.grey, t.width, t.height).length;
  return n;
}

/** A COCO segmentation's pixels (polygons under the cytorx pixel rule, RLE decoded). */
function segmentationPixels(segmentation: unknown, width: number, height: number): Uint8Array {
  if (!Array.isArray(segmentation))
    return rleDecode(segmentation as { size: [number, number]; counts: string });
  const mask = new Uint8Array(width * height);
  rasterizeSpans(segmentation as number[][], width, height, (y, x0, x1) =>
    mask.fill(1, y * width + x0, y * width + x1),
  );
  return mask;
}
