// Benchmark: the mask vectoriser (issue 14) on the nuclei-like workload rasterized: an
// 8192 x 8192 class mask painted from 5,000 seeded star-shaped blobs (`generateWorkload` of
// bench/workloads, raster-coco.md §D). In the same run: the rasterizer painting that mask (its Mpx/s and objects/s), the
// vectoriser on the mask in memory (bands of 256 rows), the exactness check (the regions
// re-rasterized give the mask back), and, in a child process, the whole upload input path
// (PNG decoded row band by row band, then vectorised) with its peak RSS, for the 8192^2 PNG
// and for a 32768^2 PNG (1 Gpx) written band by band by the mask writer.
// Needs the built packages: `pnpm exec tsc -b`, then `node bench/vectorize.mjs`.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { MaskVectorizer } from '../packages/core/dist/index.js';
import {
  createOutputDir,
  geometryToRings,
  maskWriter,
  Rasterizer,
  readPredictions,
} from '../packages/writers/dist/index.js';
import { peakRssMB, time } from './timing.mjs';
import { generateWorkload, paintWorkload } from './workloads/workloads.mjs';

const SELF = fileURLToPath(import.meta.url);

/** `time` of timing.mjs, also returning the last call's result. */
function timed(fn, runs) {
  let out;
  const t = time(
    () => {
      out = fn();
    },
    runs,
    1,
  );
  return { seconds: t.wall, cpu: t.cpu, out };
}

function vectorize(mask, size, band = 256) {
  const regions = [];
  const v = new MaskVectorizer(size, (region) => regions.push(region));
  for (let y = 0; y < size; y += band)
    v.push(mask.subarray(y * size, Math.min(size, y + band) * size), Math.min(band, size - y));
  v.finish();
  return regions;
}

/** Child: vectorises one mask PNG through readPredictions (the upload path); time, peak RSS. */
async function child(file, size) {
  const t = performance.now();
  const source = await readPredictions(file, { imageSize: async () => ({ width: size, height: size }) });
  const seconds = (performance.now() - t) / 1000;
  let vertices = 0;
  for (const f of source.features) for (const r of geometryToRings(f.geometry)) vertices += r.length / 2;
  return { seconds, regions: source.features.length, vertices, peakRssMB: peakRssMB() };
}

function runChild(file, size) {
  return new Promise((resolve, reject) => {
    const c = fork(SELF, ['--child', file, String(size)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    c.on('message', (m) => (result = m));
    c.on('error', reject);
    c.on('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`child exited ${code}`)),
    );
  });
}

/** A 1-Gpx-class mask written band by band by the mask writer (never held whole). */
async function writeBigMask(dir, size, count) {
  const features = generateWorkload({ width: size, height: size, count }).annotations.map((o, i) => ({
    id: i + 1,
    annotationId: i + 1,
    image: { id: 1, width: size, height: size },
    geometry: {
      type: 'Polygon',
      coordinates: o.polygons.map((flat) => {
        const ring = [];
        for (let k = 0; k < flat.length; k += 2) ring.push([flat[k], flat[k + 1]]);
        ring.push(ring[0]);
        return ring;
      }),
    },
    frame: 'image',
    scale: 1,
    termIds: [],
    classId: o.class_id,
    annotation: { id: i + 1, term: [] },
  }));
  const ctx = {
    out: await createOutputDir(dir),
    classes: { background: 0, unlabeled: 255, classes: [] },
    warn: () => {},
    logger: { debug: () => {}, info: () => {} },
    signal: new AbortController().signal,
  };
  const writer = maskWriter({ overlap: 'order' });
  await writer.write(
    { image: features[0].image, canvas: { x: 0, y: 0, width: size, height: size, scale: 1 }, features },
    ctx,
  );
  const summary = await writer.close(ctx);
  return path.join(dir, summary.files[0]);
}

/**
 * Runs the benchmark.
 * @param {object} [options]
 * @param {number} [options.size=8192] canvas side
 * @param {number} [options.objects=5000] blobs
 * @param {number} [options.runs=5] timed runs (median), after one warm-up
 * @param {number} [options.bigSize=32768] side of the band-written mask vectorised from PNG (0 skips it)
 */
export async function run(options = {}) {
  const { size = 8192, objects: count = 5000, runs = 5, bigSize = 32768 } = options;
  const objects = generateWorkload({ width: size, height: size, count }).annotations;
  const r = new Rasterizer();
  const raster = timed(() => paintWorkload(r, { width: size, height: size, annotations: objects }), runs);
  const mask = raster.out;
  let painted = 0;
  for (const v of mask) if (v !== 0) painted++;
  const vector = timed(() => vectorize(mask, size), runs);
  const regions = vector.out;
  let vertices = 0;
  const back = new Uint8Array(size * size);
  for (const region of regions) {
    const rings = geometryToRings(region.geometry);
    for (const ring of rings) vertices += ring.length / 2;
    r.spans(rings, size, size, (y, x0, x1) => back.fill(region.classId, y * size + x0, y * size + x1));
  }
  const exact = Buffer.from(back).equals(Buffer.from(mask));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cytorx-bench-vectorize-'));
  try {
    const file = path.join(dir, '1_mask.png');
    const png = new PNG({ width: size, height: size, colorType: 0, inputColorType: 0, bitDepth: 8 });
    png.data = Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength);
    writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 }));
    const fromPng = await runChild(file, size);
    let big;
    if (bigSize > 0) {
      const t = performance.now();
      const bigFile = await writeBigMask(path.join(dir, 'big'), bigSize, 20_000);
      const writeSeconds = (performance.now() - t) / 1000;
      big = {
        size: bigSize,
        objects: 20_000,
        writeSeconds,
        fileMB: statSync(bigFile).size / 1e6,
        ...(await runChild(bigFile, bigSize)),
      };
    }
    return {
      size,
      objects: count,
      painted,
      raster: raster.seconds,
      rasterCpu: raster.cpu,
      vector: vector.seconds,
      vectorCpu: vector.cpu,
      regions: regions.length,
      vertices,
      exact,
      fromPng,
      big,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(x) {
  const f = (v, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const mpx = (x.size * x.size) / 1e6;
  console.log(
    `workload: ${x.size}x${x.size} mask, ${f(x.objects)} blobs rasterized (${f(x.painted / 1e6, 1)} Mpx painted), medians of runs after a warm-up`,
  );
  console.log(
    'step                    wall s   canvas Mpx/s   objects/s   CPU s   Mpx/CPU-s   objects/CPU-s',
  );
  const row = (name, wall, cpu, objects, note) =>
    console.log(
      `${name.padEnd(22)}${f(wall, 3).padStart(7)}   ${f(mpx / wall, 1).padStart(12)}   ${f(objects / wall).padStart(9)}   ${f(cpu, 3).padStart(5)}   ${f(mpx / cpu, 1).padStart(9)}   ${f(objects / cpu).padStart(13)}  ${note}`,
    );
  row('rasterize (Rasterizer)', x.raster, x.rasterCpu, x.objects, '(objects = input blobs)');
  row(
    'vectorize (in memory)',
    x.vector,
    x.vectorCpu,
    x.regions,
    `(objects = ${f(x.regions)} regions out, ${f(x.vertices)} vertices)`,
  );
  console.log(
    `vectorize / rasterize: ${f(x.vector / x.raster, 2)}x wall, ${f(x.vectorCpu / x.rasterCpu, 2)}x CPU`,
  );
  console.log(`exact (regions re-rasterized == mask): ${x.exact ? 'yes' : 'NO'}`);
  const p = x.fromPng;
  console.log(
    `PNG -> features (readPredictions, child): ${f(p.seconds, 2)} s, ${f(mpx / p.seconds, 1)} Mpx/s, ${f(p.regions)} regions, peak RSS ${f(p.peakRssMB)} MB (the mask is ${f(mpx)} MB)`,
  );
  if (x.big) {
    const b = x.big;
    const bmpx = (b.size * b.size) / 1e6;
    console.log(
      `big: ${b.size}x${b.size} (${f(bmpx)} Mpx), ${f(b.objects)} blobs, PNG written band by band in ${f(b.writeSeconds, 1)} s (${f(b.fileMB, 1)} MB)`,
    );
    console.log(
      `     PNG -> features: ${f(b.seconds, 1)} s, ${f(bmpx / b.seconds, 1)} Mpx/s, ${f(b.regions)} regions, peak RSS ${f(b.peakRssMB)} MB (the canvas would be ${f(bmpx)} MB)`,
    );
  }
}

if (process.argv[2] === '--child') {
  const result = await child(process.argv[3], Number(process.argv[4]));
  process.send(result, () => process.exit(0));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  print(await run());
}
