// `cytorx export` and `cytorx coco-merge` against an emulator over loopback. The BUILT binary
// (packages/cli/dist/cli.js) runs in a child process for the main flags (with a writer module
// loaded by path: ESM interop), a SIGKILL part-way and `coco-merge`; the other runs use the same
// entry function in-process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { isTemporaryName } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, runInProcess } from '../cli/run-cli.js';
import { DATASET, readJson, readTree, tempDir, treeDiff } from './helpers.js';

const YOLO = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../examples/yolo-writer/index.js',
);

describe('cytorx export', () => {
  let emu: Emulator;
  let home: string;
  let env: Record<string, string>;
  let project: number;
  let imageIds: number[];

  beforeAll(async () => {
    emu = await startEmulator({ dataset: { ...DATASET, imagesPerProject: 10, annotationsPerImage: 25 } });
    home = await tempDir('cytorx-export-cli-');
    env = {
      CYTOMINE_HOST: emu.url,
      CYTOMINE_PUBLIC_KEY: emu.publicKey,
      CYTOMINE_PRIVATE_KEY: emu.privateKey,
    };
    project = emu.dataset.projects[0]!.id;
    imageIds = emu.dataset.images.filter((im) => im.project === project).map((im) => im.id);
  });
  afterAll(async () => {
    await emu?.close();
  });

  const base = () => [
    'export',
    '--project',
    String(project),
    '--format',
    'geojson,mask,coco',
    '--page-size',
    '10',
  ];

  it('main flags (built binary): json progress on stdout only, summary on stderr, files, an extra writer by path', async () => {
    const [t1] = emu.dataset.terms;
    const images = imageIds.slice(0, 3);
    const r = await runCli(
      [
        ...base(),
        '--out',
        'ds',
        ...images.flatMap((id) => ['--image', String(id)]),
        '--term',
        t1!.name,
        '--multi-term',
        'priority',
        '--zoom',
        '1',
        '--split',
        '0.5,0.5',
        '--seed',
        '2',
        '--concurrency',
        '2',
        '--progress',
        'json',
        '--writer',
        YOLO,
        '--writer-option',
        `names=${t1!.name}`,
      ],
      { env, home },
    );
    expect(r.stderr).toMatch(/export complete: 3 images/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/report: .*ds\/report\.json/);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; imageId?: number; summary?: { complete: boolean } });
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)).toMatchObject({ type: 'done', summary: { complete: true } });
    expect(
      events
        .filter((e) => e.type === 'image-done')
        .map((e) => e.imageId)
        .sort(),
    ).toEqual([...images].sort());
    const out = path.join(home, 'ds');
    for (const id of images) {
      expect(existsSync(path.join(out, `labels/${id}.txt`))).toBe(true); // the YOLO example writer
      const png = PNG.sync.read(await readFile(path.join(out, `masks/${id}_mask.png`)));
      const im = emu.dataset.images.find((x) => x.id === id)!;
      expect([png.width, png.height]).toEqual([Math.ceil(im.width / 2), Math.ceil(im.height / 2)]);
    }
    const manifest = await readJson<{ options: Record<string, unknown> }>(out, 'manifest.json');
    expect(manifest.options).toMatchObject({
      zoom: 1,
      multiTerm: 'priority',
      split: '0.5,0.5',
      seed: 2,
      terms: [t1!.id],
    });
    expect(existsSync(path.join(out, 'coco/splits.json'))).toBe(true);
    const quiet = await runInProcess(
      [...base(), '--out', 'q', '--image', String(images[0]), '--progress', 'none'],
      { env, home },
    );
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
  });

  it('a failing writer: exit code 1 naming it, the other outputs complete', async () => {
    const bad = path.join(home, 'bad-writer.mjs');
    await writeFile(
      bad,
      "export default () => ({ name: 'bad', write() { throw new Error('no space left'); }, close: () => ({ writer: 'bad', files: [], items: 0, warnings: 0 }) });\n",
    );
    const r = await runInProcess(
      [...base(), '--out', 'bad', '--image', String(imageIds[0]), '--writer', bad],
      {
        env,
        home,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad/);
    expect(r.stderr).toMatch(/no space left/);
    expect(existsSync(path.join(home, 'bad', `geojson/${imageIds[0]}.geojson`))).toBe(true);
    expect(existsSync(path.join(home, 'bad', 'coco/annotations.json'))).toBe(true);
  });

  it('killed with SIGKILL part-way (built binary), resumed with --resume: every file identical to an uninterrupted run', async () => {
    const ref = await runInProcess([...base(), '--out', 'ref', '--concurrency', '2'], { env, home });
    expect(ref.code).toBe(0);
    const reference = await readTree(path.join(home, 'ref'));

    emu.setFaults({ latencyMs: 60 });
    const out = path.join(home, 'killed');
    const child = spawn(
      process.execPath,
      // Killed while worker threads write (--workers 2), resumed in the main thread alone.
      [CLI, ...base(), '--out', out, '--concurrency', '3', '--workers', '2', '--progress', 'none'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, '.config'),
          ...env,
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal === null ? 0 : 1)),
    );
    let complete: number[] = [];
    for (let i = 0; i < 400 && complete.length < 3; i++) {
      await sleep(25);
      complete = await readJson<{ images: { complete: number[] } }>(out, 'manifest.json')
        .then((m) => m.images.complete)
        .catch(() => []);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe(1);
    emu.setFaults({});
    expect(complete.length).toBeGreaterThanOrEqual(3);
    expect(complete.length).toBeLessThan(imageIds.length);

    // No half-written file under a final name: every PNG decodes, every JSON parses.
    const killed = await readTree(out);
    for (const [name, bytes] of killed) {
      if (isTemporaryName(name)) continue;
      if (name.endsWith('.png')) expect(() => PNG.sync.read(bytes)).not.toThrow();
      if (name.endsWith('.json') || name.endsWith('.geojson'))
        expect(() => JSON.parse(bytes.toString())).not.toThrow();
    }
    expect(killed.has('report.json')).toBe(false);

    const resumed = await runInProcess([...base(), '--out', 'killed', '--workers', '0', '--resume'], {
      env,
      home,
    });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/\d+ from an earlier run/);
    // overview.html shows when each run happened; its pictures are the same.
    expect(treeDiff(reference, await readTree(out), ['overview.html'])).toEqual([]);
  });

  it('two shards merged with `cytorx coco-merge` (built binary) equal the unsharded COCO file', async () => {
    const ref = path.join(home, 'ref', 'coco', 'annotations.json');
    if (!existsSync(ref)) {
      const r = await runInProcess([...base(), '--out', 'ref'], { env, home });
      expect(r.code).toBe(0);
    }
    for (const i of [0, 1]) {
      const r = await runInProcess([...base(), '--out', `shard${i}`, '--shard', `${i}/2`], { env, home });
      expect(r.code).toBe(0);
    }
    const merged = await runCli(['coco-merge', 'shard0', 'shard1', '--out', 'merged/annotations.json'], {
      env,
      home,
    });
    expect(merged.code).toBe(0);
    expect(merged.stderr).toMatch(new RegExp(`${imageIds.length} images`));
    expect(await readFile(path.join(home, 'merged/annotations.json'), 'utf8')).toBe(
      await readFile(ref, 'utf8'),
    );
    const bad = await runCli(['coco-merge', 'nope', '--out', 'x.json'], { env, home });
    expect(bad.code).toBe(2);
  });
});
