// Run by test/pack/pack-install.mjs in an empty npm project where the packed @cytorx/* tarballs
// are installed: the README's "From code" pipeline (export-dataset.ts, copied from
// examples/compose-pipeline/src) with a custom writer, against @cytorx/emulator, compared with
// `cytorx export` run through @cytorx/cli's `main`. Exits non-zero on any difference.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '@cytorx/cli';
import { createClient } from '@cytorx/core';
import { startEmulator } from '@cytorx/emulator';
import centroidWriter from './centroid-writer.js';
import { exportDataset } from './export-dataset.js';

async function tree(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const e of entries.filter((x) => x.isFile())) {
    const rel = path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    files.set(rel, (await readFile(path.join(dir, rel))).toString('base64'));
  }
  return files;
}

const work = await mkdtemp(path.join(tmpdir(), 'cytorx-consumer-'));
const emu = await startEmulator({
  dataset: { seed: 5, projects: 1, imagesPerProject: 2, annotationsPerImage: 12 },
});
const client = createClient({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey });
try {
  const project = emu.dataset.projects[0]!.id;
  const images = emu.dataset.images.filter((im) => im.project === project).map((im) => im.id);

  const byCode = path.join(work, 'code');
  const result = await exportDataset(client, project, byCode, [centroidWriter({ digits: 2 })]);
  assert.equal(result.complete, true);
  assert.deepEqual(
    result.summaries.map((s) => s.writer),
    ['geojson', 'mask', 'coco', 'centroids'],
  );
  const centroids = result.summaries[3]!;
  assert.deepEqual(centroids.files, images.map((id) => `centroids/${id}.csv`).sort());
  const csv = await readFile(path.join(byCode, centroids.files[0]!), 'utf8');
  assert.match(csv, /^id,class,x,y\n(\d+,\d+,-?\d+\.\d\d,-?\d+\.\d\d\n)+$/);

  let stderr = '';
  const code = await main(
    ['export', '--project', String(project), '--out', 'cli', '--format', 'geojson,mask,coco'],
    {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      env: {
        CYTOMINE_HOST: emu.url,
        CYTOMINE_PUBLIC_KEY: emu.publicKey,
        CYTOMINE_PRIVATE_KEY: emu.privateKey,
        XDG_CONFIG_HOME: path.join(work, '.config'),
      },
      home: work,
      cwd: work,
    },
  );
  assert.equal(code, 0, stderr);
  const mine = await tree(byCode);
  const theirs = await tree(path.join(work, 'cli'));
  const differ = [...new Set([...mine.keys(), ...theirs.keys()])]
    .filter((f) => mine.get(f) !== theirs.get(f))
    .sort();
  // `cytorx export` also writes its overview page: a thumbnail and an overlay per image.
  const overview = [
    'overview.html',
    ...images.flatMap((id) => [`overview/${id}.jpg`, `overview/${id}.overlay.png`]),
  ];
  const expected = ['manifest.json', 'report.json', ...centroids.files, ...overview].sort();
  assert.deepEqual(differ, expected, 'the README pipeline writes what `cytorx export` writes');
  console.log(`consumer: ${mine.size} files, the same as cytorx export but ${differ.join(', ')}`);
} finally {
  await client.close();
  await emu.close();
  await rm(work, { recursive: true, force: true });
}
