// `pnpm bench overview`: buildOverview over a synthetic export of 1,000 images (20 polygons
// each, 4096 px masks, GeoJSON) with 512 px JPEG thumbnails from the emulator over loopback
// (emulator in this process: its work is counted too). Prints wall time, images/s, peak RSS,
// the most thumbnail requests in flight and the size of the page.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@cytorx/core';
import { startEmulator } from '@cytorx/emulator';
import { buildOverview } from '@cytorx/writers';

const N = Number(process.env.OVERVIEW_IMAGES ?? 1000);
const PER_IMAGE = 20;
const [W, H] = [40_000, 30_000];
const scale = 4096 / W >= 1 ? 1 : 2 ** -Math.ceil(Math.log2(W / 4096));

const emu = await startEmulator({
  dataset: {
    seed: 1,
    projects: 1,
    imagesPerProject: N,
    annotationsPerImage: 0,
    imageSize: { width: W, height: H },
  },
});
const dir = await mkdtemp(path.join(tmpdir(), 'cytorx-bench-overview-'));
const classes = {
  background: 0,
  unlabeled: 255,
  classes: [1, 2, 3].map((id) => ({
    id,
    name: `c${id}`,
    color: ['#E53935', '#43A047', '#1E88E5'][id - 1],
    termIds: [id],
  })),
};
let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
await mkdir(path.join(dir, 'geojson'));
const images = [];
for (const im of emu.dataset.images) {
  const features = [];
  const counts = {};
  for (let k = 0; k < PER_IMAGE; k++) {
    const cx = rnd() * W * scale;
    const cy = rnd() * H * scale;
    const r = 5 + rnd() * 200;
    const ring = Array.from({ length: 24 }, (_, i) => [
      cx + r * Math.cos((i * Math.PI) / 12),
      cy + r * Math.sin((i * Math.PI) / 12),
    ]);
    ring.push(ring[0]);
    const c = 1 + (k % 3);
    counts[c] = (counts[c] ?? 0) + 1;
    features.push({
      type: 'Feature',
      id: im.id * 100 + k,
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { class_id: c },
    });
  }
  await writeFile(
    path.join(dir, 'geojson', `${im.id}.geojson`),
    JSON.stringify({ type: 'FeatureCollection', features }),
  );
  images.push({
    id: im.id,
    name: im.instanceFilename ?? null,
    width: W,
    height: H,
    scale,
    annotations: PER_IMAGE,
    features: PER_IMAGE,
    classes: counts,
    batches: 1,
    contestedPixels: 0,
    files: { geojson: [`geojson/${im.id}.geojson`] },
    skipped: 0,
    warnings: 0,
  });
}
await writeFile(path.join(dir, 'classes.json'), JSON.stringify(classes));
await writeFile(
  path.join(dir, 'report.json'),
  JSON.stringify({
    images,
    skipped: [],
    warnings: [],
    cytorx: 'export-report',
    version: 1,
    complete: true,
    project: { id: 1, name: 'bench' },
    options: { formats: ['geojson'], maxSize: 4096, classes },
    totals: { images: N },
    classes: [],
    warningsByCode: {},
    runWarnings: [],
    writers: [],
  }),
);

const client = createClient({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey });
let inFlight = 0;
let maxInFlight = 0;
const counting = {
  ...client,
  host: client.host,
  request: (method, p, options) => {
    const source = client.request(method, p, options);
    return new source.constructor((subscriber) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const sub = source.subscribe(subscriber);
      return () => {
        inFlight--;
        sub.unsubscribe();
      };
    });
  },
};
let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const s = await buildOverview(dir, { client: counting, concurrency: 4 });
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
clearInterval(timer);
const html = await stat(s.html);
console.log(
  `overview of ${N} images (${PER_IMAGE} polygons each, ${W}x${H} slides, 4096 px masks, 512 px JPEG thumbnails):`,
);
console.log(
  `  ${secs.toFixed(1)} s wall, ${(N / secs).toFixed(0)} images/s; CPU ${cpuSecs.toFixed(1)} s (${((cpuSecs / N) * 1000).toFixed(1)} ms per image, emulator included); thumbnails ${JSON.stringify(s.thumbnails)}`,
);
console.log(
  `  peak RSS ${(peak / 2 ** 20).toFixed(0)} MB (before: ${(rssBefore / 2 ** 20).toFixed(0)} MB); at most ${maxInFlight} thumbnail requests in flight`,
);
console.log(`  overview.html ${(html.size / 1024).toFixed(0)} kB`);
await client.close();
await emu.close();
await rm(dir, { recursive: true, force: true });
