import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import { openLedger } from '../../src/upload/ledger.js';
import { planUpload } from '../../src/upload/plan-upload.js';
import { readUploadSource } from '../../src/upload/read-upload-source.js';
import { runUpload } from '../../src/upload/run-upload.js';

let emu: Emulator;
let client: CytomineClient;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 8,
      projects: 2,
      imagesPerProject: 1,
      annotationsPerImage: 0,
      imageSize: { width: 500, height: 400 },
    },
  });
  client = createClient({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey });
  dir = mkdtempSync(join(tmpdir(), 'cytorx-plan-'));
});
afterAll(async () => {
  await client.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

const box = (x: number, s: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, 10],
      [x + s, 10],
      [x + s, 10 + s],
      [x, 10 + s],
      [x, 10],
    ],
  ],
});

describe('planUpload + runUpload', () => {
  it('creates, then on an edited input updates changed geometry and recreates changed terms', async () => {
    const d = emu.dataset;
    const project = d.projects[0]!.id;
    const image = d.images.find((i) => i.project === project)!.id;
    const other = d.images.find((i) => i.project !== project)!.id;
    const [t1, t2] = d.terms.filter((t) => t.ontology === d.projects[0]!.ontology);
    const write = (features: unknown[]) => {
      const path = join(dir, 'preds.geojson');
      writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features }));
      return path;
    };
    const f = (id: number, x: number, s: number, cls: string) => ({
      type: 'Feature',
      id,
      geometry: box(x, s),
      properties: { image_id: image, class_name: cls },
    });
    const ledgerPath = join(dir, 'ledger.jsonl');
    const plan1Input = await readUploadSource(
      write([f(1, 10, 20, t1!.name), f(2, 50, 20, t1!.name), f(3, 90, 20, t2!.name)]),
    );
    const ledger = openLedger(ledgerPath);
    const plan1 = await planUpload(client, { project, features: plan1Input.features, ledger });
    expect(plan1.create).toHaveLength(3);
    const r1 = await lastValueFrom(runUpload(client, plan1, { ledger }).pipe(toArray()));
    expect(r1.map((r) => r.status)).toEqual(['created', 'created', 'created']);
    const idOf = (label: string) => r1.find((r) => r.item.label === label)!.annotationId!;
    const first = idOf('preds.geojson#0');
    const second = idOf('preds.geojson#1');

    // Edit: feature 1 grows (update), feature 2 changes class (delete + create), 3 unchanged,
    // plus one feature on an image of another project (refused) and an unknown class.
    const edited = await readUploadSource(
      write([
        f(1, 10, 30, t1!.name),
        f(2, 50, 20, t2!.name),
        f(3, 90, 20, t2!.name),
        { ...f(4, 10, 10, t1!.name), properties: { image_id: other, class_name: t1!.name } },
        f(5, 200, 10, 'mitosis?'),
      ]),
    );
    const plan2 = await planUpload(client, { project, features: edited.features, ledger });
    expect(plan2.update.map((u) => u.annotationId)).toEqual([first]);
    expect(plan2.delete.map((x) => x.annotationId)).toEqual([second]);
    expect(plan2.create.map((c) => c.label)).toEqual(['preds.geojson#1']);
    expect(plan2.skip.map((s) => s.label)).toEqual(['preds.geojson#2']);
    expect(plan2.refused.map((x) => x.reason)).toEqual([
      `image ${other} is not in project ${project}`,
      'unknown class "mitosis?" (no term of that name in the project\'s ontology)',
    ]);
    const r2 = await lastValueFrom(runUpload(client, plan2, { ledger }).pipe(toArray()));
    expect(r2.map((r) => r.status)).toEqual(['deleted', 'updated', 'created']);
    expect(d.annotations.find((a) => a.id === first)?.location).toBe(
      'POLYGON ((10 390, 10 360, 40 360, 40 390, 10 390))',
    );
    expect(d.annotations.some((a) => a.id === second)).toBe(false);
    ledger.close();

    // A third run over the same input has nothing left to do.
    const again = openLedger(ledgerPath);
    const plan3 = await planUpload(client, { project, features: edited.features, ledger: again });
    again.close();
    expect([plan3.create.length, plan3.update.length, plan3.delete.length, plan3.skip.length]).toEqual([
      0, 0, 0, 3,
    ]);
  });
});
