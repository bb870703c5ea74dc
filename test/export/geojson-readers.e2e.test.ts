// Issue 12, items 4 and 5: GeoJSON (and COCO) that common readers take as written. No empty
// arrays in properties (Debian's fiona 1.9 segfaults on them, 1.10 drops the column), no
// floating-point noise from the y flip, the frame round trip exact to the server's numbers,
// and the QuPath flavour from the command line passing QuPath's importer rules.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { qupathImportProblems } from '../../packages/writers/test/geojson/qupath-rules.js';
import { runInProcess } from '../cli/run-in-process.js';
import { emulatorProject } from './emulator-project.js';
import { type GeojsonFeature, runExport, simpleRing, tempDir } from './helpers.js';

/** Numbers with 10 or more decimals: the flip's noise (e.g. 897.6700000000001). */
const NOISY = /\d\.\d{10,}/g;

/** Keys of properties (at any depth) holding an empty array. */
function emptyArrays(properties: Record<string, unknown>): string[] {
  return Object.entries(properties).flatMap(([k, v]) => {
    if (Array.isArray(v) && v.length === 0) return [k];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return emptyArrays(v as Record<string, unknown>).map((x) => `${k}.${x}`);
    }
    return [];
  });
}

describe('GeoJSON and COCO as readers take them (emulator project)', () => {
  const ctx = emulatorProject();

  it("no empty arrays in properties; no flip noise in GeoJSON or COCO; y flipped back and rounded is the server's y", async () => {
    const { out } = await runExport(ctx.client, {
      project: ctx.project,
      formats: ['geojson', 'coco'],
      cocoSegmentation: 'polygon',
    });
    const byId = new Map(ctx.emu.dataset.annotations.map((a) => [a.id, a]));
    const images = new Map(ctx.emu.dataset.images.map((im) => [im.id, im]));
    let unlabeled = 0;
    let checked = 0;
    for (const name of await readdir(path.join(out, 'geojson'))) {
      const text = await readFile(path.join(out, 'geojson', name), 'utf8');
      expect(text.match(NOISY) ?? [], name).toEqual([]);
      const features = (JSON.parse(text) as { features: GeojsonFeature[] }).features;
      for (const f of features) {
        const props = f.properties as unknown as Record<string, unknown>;
        expect(emptyArrays(props), `${name} feature ${f.id}`).toEqual([]);
        if (props.term_ids === null) {
          unlabeled++;
          expect(props.term_names).toBeNull();
        }
        // Frame round trip: every vertex of an unclipped simple polygon, flipped back (H - y)
        // and rounded to 1e-9, is exactly a vertex of the server's WKT.
        const a = byId.get(f.properties.annotation_id)!;
        const wkt = simpleRing(a);
        const im = images.get(a.image)!;
        if (wkt === undefined || wkt.some(([x, y]) => x! < 0 || y! < 0 || x! > im.width || y! > im.height))
          continue;
        if (f.geometry.type !== 'Polygon') continue;
        const ring = (f.geometry.coordinates as number[][][])[0]!;
        const back = new Set(ring.map(([x, y]) => `${x},${Math.round((im.height - y!) * 1e9) / 1e9 + 0}`));
        expect(back).toEqual(new Set(wkt.map(([x, y]) => `${x},${y}`)));
        checked++;
      }
    }
    expect(unlabeled).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(20);
    const coco = await readFile(path.join(out, 'coco/annotations.json'), 'utf8');
    expect(coco.match(NOISY) ?? []).toEqual([]);
  });

  it('CLI: --geojson-flavor qupath writes files QuPath imports; --format X with --writer X is a usage error', async () => {
    const home = await tempDir('cytorx-qupath-cli-');
    const image = ctx.emu.dataset.images.find((im) => im.project === ctx.project)!;
    const args = [
      'export',
      '--project',
      String(ctx.project),
      '--image',
      String(image.id),
      '--progress',
      'none',
    ];
    const r = await runInProcess(
      [...args, '--out', 'qp', '--format', 'geojson', '--geojson-flavor', 'qupath'],
      {
        env: ctx.env,
        home,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const fc = JSON.parse(await readFile(path.join(home, 'qp/geojson', `${image.id}.geojson`), 'utf8')) as {
      features: unknown[];
    };
    expect(fc.features.length).toBeGreaterThan(0);
    const problems = fc.features.flatMap((f) => qupathImportProblems(f));
    expect(problems).toEqual([]);

    for (const w of ['geojson', 'mask', 'coco']) {
      const bad = await runInProcess([...args, '--out', 'x', '--format', `${w},mask`, '--writer', w], {
        env: ctx.env,
        home,
      });
      expect(bad.code, w).toBe(2);
      expect(bad.stderr).toContain(`--writer ${w} writes the same files as --format ${w}`);
    }
    const flavorless = await runInProcess(
      [...args, '--out', 'x', '--format', 'mask', '--geojson-flavor', 'qupath'],
      {
        env: ctx.env,
        home,
      },
    );
    expect(flavorless.code).toBe(2);
    const help = await runInProcess(['export', '--help'], { home });
    expect(help.stdout).toMatch(/--geojson-flavor/);
    expect(help.stdout).toMatch(/--coco-segmentation/);
  });
});
