// Runs the compose-pipeline example (its src/export-dataset.ts is the README's "From code"
// pipeline) as a user would: `node dist/main.js PROJECT OUT` with CYTOMINE_* variables, against
// the built packages; checks that it writes what `cytorx export --format geojson,mask,coco`
// writes, byte for byte, and that its features are the server's. Also checks that the README
// shows exactly src/export-dataset.ts.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { type Coco, DATASET, geojsonFeatures, readJson, readTree, tempDir, treeDiff } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = path.join(ROOT, 'examples/compose-pipeline/dist/main.js');
const PIPELINE = path.join(ROOT, 'examples/compose-pipeline/src/export-dataset.ts');

let emu: Emulator;

beforeAll(async () => {
  // Multi-term annotations, holes, bow-ties, malformed WKT; the emulator lists ids descending.
  emu = await startEmulator({ dataset: { ...DATASET, imagesPerProject: 3 } });
});
afterAll(async () => {
  await emu?.close();
});

it('the README "From code" block is examples/compose-pipeline/src/export-dataset.ts', async () => {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## From code'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBe(await readFile(PIPELINE, 'utf8'));
});

it('the compose-pipeline example writes what `cytorx export` writes, byte for byte', async () => {
  const project = emu.dataset.projects[0]!.id;
  const env = {
    CYTOMINE_HOST: emu.url,
    CYTOMINE_PUBLIC_KEY: emu.publicKey,
    CYTOMINE_PRIVATE_KEY: emu.privateKey,
  };
  const out = await tempDir('cytorx-example-');
  const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE, String(project), out], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  expect(stdout).toMatch(/^geojson: 3 files/m);
  expect(stdout).toMatch(/^coco: 1 files/m);

  const home = await tempDir('cytorx-example-cli-');
  const args = ['export', '--project', String(project), '--out', 'ds', '--format', 'geojson,mask,coco'];
  const cli = await runInProcess([...args, '--progress', 'none', '--no-overview'], { env, home });
  expect(cli.code, cli.stderr).toBe(0);
  const reference = path.join(home, 'ds');

  const images = emu.dataset.images.filter((im) => im.project === project);
  const mine = await readTree(out);
  expect([...mine.keys()]).toEqual(
    [
      'classes.json',
      'coco/annotations.json',
      ...images.map((im) => `geojson/${im.id}.geojson`),
      ...images.map((im) => `masks/${im.id}_mask.png`),
    ].sort(),
  );
  // Only the export's own bookkeeping differs (README "From code" says so).
  expect(treeDiff(mine, await readTree(reference))).toEqual(['manifest.json', 'report.json']);

  // And those files hold the server's data: features by annotation id, COCO named after the
  // project's ontology.
  for (const im of images) {
    const features = await geojsonFeatures(out, `geojson/${im.id}.geojson`);
    const server = emu.dataset.annotations.filter((a) => a.image === im.id && !Number.isNaN(a.bbox[0]));
    expect(features.length).toBeGreaterThan(server.length / 2);
    for (const f of features) expect(server.some((a) => a.id === f.properties.annotation_id)).toBe(true);
    const ids = features.map((f) => f.properties.annotation_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  }
  const coco = await readJson<Coco>(out, 'coco/annotations.json');
  const ontology = emu.dataset.ontologies.find((o) => o.id === emu.dataset.projects[0]!.ontology)!;
  expect(new Set(coco.categories.map((c) => c.supercategory))).toEqual(new Set([ontology.name]));
  expect(JSON.parse(await readFile(path.join(out, 'classes.json'), 'utf8'))).toMatchObject({
    background: 0,
    unlabeled: 255,
  });
});
