// Runs EXACTLY examples/compose-pipeline/pipeline.mjs (as a user would: `node pipeline.mjs
// PROJECT OUT` with CYTOMINE_* variables, against the built packages) and checks its outputs
// against the server's data and against exportProject.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Coco,
  clientFor,
  DATASET,
  geojsonFeatures,
  readJson,
  readPng,
  readTree,
  runExport,
  tempDir,
} from './helpers.js';

const EXAMPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../examples/compose-pipeline/pipeline.mjs',
);

let emu: Emulator;
let client: CytomineClient;

beforeAll(async () => {
  emu = await startEmulator({ dataset: { ...DATASET, imagesPerProject: 3 } });
  client = clientFor(emu);
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

it('the compose-pipeline example writes what exportProject writes, matching the server', async () => {
  const project = emu.dataset.projects[0]!.id;
  const out = await tempDir('cytorx-example-');
  const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE, String(project), out], {
    env: {
      PATH: process.env.PATH ?? '',
      CYTOMINE_HOST: emu.url,
      CYTOMINE_PUBLIC_KEY: emu.publicKey,
      CYTOMINE_PRIVATE_KEY: emu.privateKey,
    },
  });
  expect(stdout).toMatch(/^geojson: 3 files/m);
  expect(stdout).toMatch(/^coco: 1 files/m);

  const images = emu.dataset.images.filter((im) => im.project === project);
  const tree = await readTree(out);
  expect([...tree.keys()]).toEqual(
    [
      'classes.json',
      'coco/annotations.json',
      ...images.map((im) => `geojson/${im.id}.geojson`),
      ...images.map((im) => `masks/${im.id}_mask.png`),
    ].sort(),
  );
  const reference = await runExport(client, { project, formats: ['geojson', 'mask', 'coco'] });
  expect(tree.get('classes.json')).toEqual((await readTree(reference.out)).get('classes.json'));
  for (const im of images) {
    // Same features (the example keeps the server's order; the export sorts by id).
    const mine = await geojsonFeatures(out, `geojson/${im.id}.geojson`);
    const theirs = await geojsonFeatures(reference.out, `geojson/${im.id}.geojson`);
    const byId = (fs: typeof mine) => [...fs].sort((a, b) => a.id - b.id);
    expect(byId(mine)).toEqual(byId(theirs));
    const server = emu.dataset.annotations.filter((a) => a.image === im.id && !Number.isNaN(a.bbox[0]));
    expect(mine.length).toBeGreaterThan(server.length / 2);
    for (const f of mine) expect(server.some((a) => a.id === f.properties.annotation_id)).toBe(true);
    // Same mask pixels.
    const a = await readPng(out, `masks/${im.id}_mask.png`);
    const b = await readPng(reference.out, `masks/${im.id}_mask.png`);
    expect([a.width, a.height]).toEqual([im.width, im.height]);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
  }
  const coco = await readJson<Coco>(out, 'coco/annotations.json');
  const ref = await readJson<Coco>(reference.out, 'coco/annotations.json');
  const sortAnns = (c: Coco) => [...c.annotations].sort((x, y) => x.id - y.id);
  expect(sortAnns(coco)).toEqual(sortAnns(ref));
  expect(coco.images).toEqual(ref.images);
});
