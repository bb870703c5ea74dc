// `cytorx upload` progress (issue 14 point 7): a bar on a terminal, JSON events with
// `--progress json`, nothing otherwise; in-process against the emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { collection, feature, square, writeJson } from './helpers.js';

let emu: Emulator;
let home: string;
let env: Record<string, string>;
let project: number;
let image: number;
let term: string;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 5,
      projects: 1,
      imagesPerProject: 1,
      annotationsPerImage: 0,
      imageSize: { width: 800, height: 600 },
    },
  });
  project = emu.dataset.projects[0]!.id;
  image = emu.dataset.images[0]!.id;
  term = emu.dataset.terms.find((t) => t.ontology === emu.dataset.projects[0]!.ontology)!.name;
  home = mkdtempSync(join(tmpdir(), 'cytorx-upload-progress-'));
  env = { CYTOMINE_HOST: emu.url, CYTOMINE_PUBLIC_KEY: emu.publicKey, CYTOMINE_PRIVATE_KEY: emu.privateKey };
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

const input = (n: number, y: number) =>
  writeJson(
    home,
    'preds.geojson',
    collection(
      Array.from({ length: n }, (_, k) =>
        feature(square(10 + 20 * k, y, 15), { image_id: image, class_name: term }),
      ),
    ),
  );

describe('cytorx upload --progress', () => {
  it('json: events on stdout (read, plan, batches, items, done), the summary on stderr', async () => {
    const path = input(25, 10);
    const r = await runInProcess(
      [
        'upload',
        '--project',
        String(project),
        '--from',
        path,
        '--batch-size',
        '10',
        '--progress',
        'json',
        '--json',
      ],
      { env, home },
    );
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]).toEqual({ type: 'read', file: 'preds.geojson', features: 25 });
    expect(events[1]).toMatchObject({ type: 'plan', create: 25, update: 0, delete: 0, skip: 0, refused: 0 });
    expect(events.filter((e) => e.type === 'batch').map((e) => e.items)).toEqual([10, 10, 5]);
    const items = events.filter((e) => e.type === 'item');
    expect(items).toHaveLength(25);
    expect(items.every((e) => e.status === 'created' && typeof e.annotationId === 'number')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'done', created: 25, failed: 0 });
    expect(r.stderr).toMatch(/upload: created 25,/);
  });

  it('auto on a terminal: one bar redrawn on stderr; not a terminal: no bar', async () => {
    const path = input(12, 60);
    const bar = await runInProcess(
      ['upload', '--project', String(project), '--from', path, '--batch-size', '5'],
      {
        env,
        home,
        tty: true,
      },
    );
    expect(bar.code).toBe(0);
    expect(bar.stderr).toMatch(/\r\[#{24}\] 12\/12 items {2}3 batches {2}created 12 {2}failed 0/);
    const again = await runInProcess(['upload', '--project', String(project), '--from', input(3, 120)], {
      env,
      home,
    });
    expect(again.stderr).not.toContain('\r');
    expect(again.stdout).toBe('');
  });
});
