// End-to-end: `cytorx upload` against an emulator started here, in both batch answer styles.
// The --dry-run case runs the BUILT binary (packages/cli/dist/cli.js) in a child process; the
// others run the same entry function in-process.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { compressRle, rleEncode } from '@cytorx/writers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runInProcess } from '../cli/run-cli.js';
import { collection, feature, square, writeJson as writeJsonIn } from './helpers.js';

let emu: Emulator;
let home: string;
let env: Record<string, string>;
let project: number;
let images: number[];
let terms: { id: number; name: string }[];
let me: number;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 21,
      projects: 1,
      imagesPerProject: 4,
      annotationsPerImage: 5,
      imageSize: { width: 2000, height: 1500 },
    },
  });
  const d = emu.dataset;
  project = d.projects[0]!.id;
  images = d.images.map((i) => i.id);
  // Images 2..4 start empty, so counts on them are exactly what the uploads made.
  d.annotations = d.annotations.filter((a) => a.image === images[0]);
  terms = d.terms
    .filter((t) => t.ontology === d.projects[0]!.ontology)
    .map((t) => ({ id: t.id, name: t.name }));
  me = d.users.find((u) => u.publicKey === emu.publicKey)!.id;
  home = mkdtempSync(join(tmpdir(), 'cytorx-upload-e2e-'));
  env = { CYTOMINE_HOST: emu.url, CYTOMINE_PUBLIC_KEY: emu.publicKey, CYTOMINE_PRIVATE_KEY: emu.privateKey };
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  emu.setFaults({});
  emu.setBatchStyle('spring');
  emu.resetStats();
});
afterEach(() => {
  emu.setFaults({});
});

const cli = (args: string[]) =>
  runInProcess(['upload', '--project', String(project), ...args], { env, home, timeoutMs: 60_000 });
const bin = (args: string[]) =>
  runCli(['upload', '--project', String(project), ...args], { env, home, timeoutMs: 60_000 });
const mine = (image: number) => emu.dataset.annotations.filter((a) => a.image === image && a.user === me);
const writeJson = (name: string, value: unknown): string => writeJsonIn(home, name, value);

describe('cytorx upload', () => {
  it('--dry-run (built binary) prints the plan and sends no write', async () => {
    const image = images[1]!;
    const path = writeJson(
      'preds.geojson',
      collection([
        feature(square(10, 10, 50), { image_id: image, class_name: terms[0]!.name }),
        feature(square(100, 10, 50), { image_id: image, class_name: 'no such class' }),
        feature(square(200, 10, 0.4), { image_id: image, class_name: terms[1]!.name }),
      ]),
    );
    const r = await bin(['--from', path, '--dry-run', '--json']);
    expect(r.stderr).toMatch(/plan: create 1, update 0, delete 0, skip 0 \(already uploaded\), refused 2/);
    expect(r.stderr).toMatch(/unknown class "no such class"/);
    expect(r.stderr).toMatch(/Annotation dimension not valid/);
    const rows = JSON.parse(r.stdout) as { status: string }[];
    expect(rows.map((x) => x.status).sort()).toEqual(['create', 'refused', 'refused']);
    expect(r.code).toBe(1);
    expect(emu.stats().writes).toBe(0);
    expect(emu.stats().byMethod.POST ?? 0).toBe(0);
    expect(existsSync(`${path}.cytorx-ledger.jsonl`)).toBe(false);
  });

  it.each(['spring', 'grails'] as const)(
    'uploads a GeoJSON file (%s), then a rerun skips everything',
    async (style) => {
      emu.setBatchStyle(style);
      const image = images[1]!;
      const before = mine(image).length;
      const features = Array.from({ length: 25 }, (_, k) =>
        feature(
          square(20 + 40 * k, 30, 30),
          { image_id: image, class_name: terms[k % terms.length]!.name },
          1000 + k,
        ),
      );
      const path = writeJson('preds.geojson', collection(features));
      const r = await cli(['--from', path, '--batch-size', '10', '--json']);
      expect(r.stderr).toMatch(/upload: created 25, updated 0, deleted 0, skipped 0, refused 0, failed 0/);
      expect(r.code).toBe(0);
      expect(mine(image).length - before).toBe(25);
      const rows = JSON.parse(r.stdout) as { status: string; annotationId: number }[];
      expect(new Set(rows.map((x) => x.annotationId)).size).toBe(25);
      // y flip: the first square's top edge y=30 in image space is 1500-30 in Cytomine space.
      const first = emu.dataset.annotations.find(
        (a) => a.id === rows.find((x) => x.status === 'created')!.annotationId,
      )!;
      expect(first.location).toMatch(/1470/);
      emu.resetStats();
      const again = await cli(['--from', path]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/skipped 25/);
      expect(emu.stats().writes).toBe(0);
      expect(mine(image).length - before).toBe(25);
    },
  );

  it.each(['spring', 'grails'] as const)(
    'partial failure (206, %s) lists the refused items and exits non-zero',
    async (style) => {
      emu.setBatchStyle(style);
      const image = images[2]!;
      const before = mine(image).length;
      const path = writeJson(
        'preds.geojson',
        collection([
          feature(square(10, 10, 40), { term_ids: [terms[0]!.id] }),
          feature(square(60, 10, 40), { term_ids: [987_654] }),
          feature(square(110, 10, 40), { term_ids: [terms[1]!.id] }),
        ]),
      );
      const r = await cli(['--from', path, '--image', String(image), '--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/created 2, .* refused 1, failed 0/);
      expect(r.stderr).toMatch(/refused preds\.geojson#1: Term 987654 not found/);
      const rows = JSON.parse(r.stdout) as { label: string; status: string; reason?: string }[];
      expect(rows.find((x) => x.label === 'preds.geojson#1')).toMatchObject({
        status: 'refused',
        reason: 'Term 987654 not found',
      });
      expect(mine(image).length - before).toBe(2);
    },
  );

  it('reads a folder of {imageId}.geojson and a COCO file with classes.json (RLE vectorised, a broken RLE refused)', async () => {
    const [a, b] = [images[2]!, images[3]!];
    const dir = join(home, 'export-geojson');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${a}.geojson`),
      JSON.stringify(collection([feature(square(300, 300, 20), { class_name: terms[0]!.name })])),
    );
    writeFileSync(
      join(dir, `${b}.geojson`),
      JSON.stringify(collection([feature({ type: 'Point', coordinates: [5, 5] }, {})])),
    );
    const beforeA = mine(a).length;
    const beforeB = mine(b).length;
    const folder = await cli(['--from', dir]);
    expect(folder.code).toBe(0);
    expect(mine(a).length - beforeA).toBe(1);
    expect(mine(b).length - beforeB).toBe(1);

    // A 30 x 20 px rectangle at (600, 700) as a COCO RLE of the whole image.
    const box = new Uint8Array(2000 * 1500);
    for (let y = 700; y < 720; y++) box.fill(1, y * 2000 + 600, y * 2000 + 630);
    const classes = writeJson('classes.json', {
      background: 0,
      unlabeled: 255,
      classes: [{ id: 1, name: 'tumour', color: '#ff0000', termIds: [terms[2]!.id] }],
    });
    const coco = writeJson('annotations.json', {
      images: [{ id: b, width: 2000, height: 1500, file_name: `${b}.png` }],
      categories: [{ id: 1, name: 'tumour' }],
      annotations: [
        {
          id: 1,
          image_id: b,
          category_id: 1,
          segmentation: [[400, 400, 450, 400, 450, 460, 400, 460]],
          iscrowd: 0,
        },
        {
          id: 2,
          image_id: b,
          category_id: 1,
          segmentation: { size: [1500, 2000], counts: 'abc' },
          iscrowd: 1,
        },
        { id: 3, image_id: b, category_id: 7, segmentation: [[10, 10, 50, 10, 50, 50]], iscrowd: 0 },
        {
          id: 4,
          image_id: b,
          category_id: 1,
          segmentation: compressRle(rleEncode(box, 2000, 1500)),
          iscrowd: 0,
        },
      ],
    });
    const r = await cli(['--from', coco, '--classes', classes, '--json']);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as {
      label: string;
      status: string;
      reason?: string;
      annotationId?: number;
    }[];
    expect(rows.find((x) => x.label === 'annotations.json#ann 1')?.status).toBe('created');
    expect(rows.find((x) => x.label === 'annotations.json#ann 2')?.reason).toMatch(
      /unreadable RLE counts: RLE string ends inside a value/,
    );
    expect(rows.find((x) => x.label === 'annotations.json#ann 3')?.reason).toMatch(/unknown class_id 7/);
    const created = emu.dataset.annotations.find(
      (x) => x.id === rows.find((r) => r.label === 'annotations.json#ann 1')!.annotationId,
    );
    expect(created?.terms.map((t) => t.term)).toEqual([terms[2]!.id]);
    const rle = emu.dataset.annotations.find(
      (x) => x.id === rows.find((r) => r.label === 'annotations.json#ann 4')!.annotationId,
    );
    // Cytomine frame: y' = 1500 - y.
    expect(rle?.location).toBe('POLYGON ((600 780, 630 780, 630 800, 600 800, 600 780))');
  });

  it('--replace --replace-from deletes the earlier upload first (listed in the plan)', async () => {
    const image = images[3]!;
    const t = terms[3]!;
    const first = writeJson('a.geojson', collection([feature(square(600, 600, 30), { class_name: t.name })]));
    expect((await cli(['--from', first, '--image', String(image)])).code).toBe(0);
    const old = mine(image).filter((a) => a.terms.some((x) => x.term === t.id));
    expect(old).toHaveLength(1);
    const second = writeJson(
      'b.geojson',
      collection([feature(square(700, 600, 30), { class_name: t.name })]),
    );
    const replace = ['--replace', '--replace-from', `${first}.cytorx-ledger.jsonl`];
    const dry = await cli(['--from', second, '--image', String(image), ...replace, '--dry-run']);
    expect(dry.stderr).toMatch(/delete 1,/);
    expect(dry.stderr).toContain(`delete ${old[0]!.id}: --replace (created by an upload: ledger a.geojson`);
    const r = await cli(['--from', second, '--image', String(image), ...replace]);
    expect(r.code).toBe(0);
    const now = mine(image).filter((a) => a.terms.some((x) => x.term === t.id));
    expect(now).toHaveLength(1);
    expect(now[0]!.id).not.toBe(old[0]!.id);
  });

  it('with 20% injected failures, at most one rerun ends with exactly one annotation per feature', async () => {
    const image = images[3]!;
    const before = mine(image).length;
    const features = Array.from({ length: 400 }, (_, k) =>
      feature(square(10 + (k % 40) * 45, 700 + Math.floor(k / 40) * 45, 30), {
        class_name: terms[k % terms.length]!.name,
      }),
    );
    const path = writeJson('preds.geojson', collection(features));
    emu.setFaults({
      failureRate: 0.1,
      resetRate: 0.05,
      resetAfterWriteRate: 0.05,
      seed: 9,
      methods: ['POST', 'GET'],
    });
    const r = await cli(['--from', path, '--image', String(image), '--batch-size', '20', '--retries', '8']);
    expect([0, 5]).toContain(r.code);
    const runs = r.code === 0 ? 1 : 2;
    if (r.code === 5) {
      const again = await cli(['--from', path, '--image', String(image), '--retries', '8']);
      expect(again.code).toBe(0);
    }
    expect(runs).toBeLessThanOrEqual(2);
    expect(emu.stats().failuresInjected + emu.stats().resetsInjected).toBeGreaterThan(0);
    expect(mine(image).length - before).toBe(400);
    const ledger = readFileSync(`${path}.cytorx-ledger.jsonl`, 'utf8');
    const created = new Set(
      ledger
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { op: string; id?: number })
        .filter((x) => x.op === 'created')
        .map((x) => x.id),
    );
    expect(created.size).toBe(400);
  });
});
