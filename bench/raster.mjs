// Benchmark: the pure-TypeScript scanline rasterizer on the workloads of bench/workloads
// (raster-coco.md §D: 2048-1000 is the committed shared workload with its exact mask; 2048-10000
// and 8192-10000 are generated from a seed with the same distribution and checked against
// bench/workloads/digests.json), next to the OpenCV/PIL rates measured on this machine class
// (on the shared workloads of the same names), plus a naive baseline measured in the same run, plus a
// 100,000 x 100,000 mask with 20,000 annotations written band by band (peak RSS, time).
// Needs the built packages: `pnpm exec tsc -b`, then `node bench/raster.mjs`.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { createOutputDir, maskWriter, Rasterizer } from '../packages/writers/dist/index.js';
import { peakRssMB, time } from './timing.mjs';
import { loadWorkload, mulberry32, paintWorkload, WORKLOAD_DIR } from './workloads/workloads.mjs';

const SELF = fileURLToPath(import.meta.url);

/**
 * Single-threaded Python peers on this machine class (raster-coco.md §D): objects/s, painted MP/s.
 * Measured on the shared workloads; ours of 2048-10000 and 8192-10000 are regenerated with the
 * same distribution (not the same polygons), so those two ratios are approximate.
 */
const REFERENCE = {
  'workload-2048-1000': { cv2: [27_412, 145.4], pil: [11_703, 62.1] },
  'workload-2048-10000': { cv2: [46_486, 234.8], pil: [15_460, 78.1] },
  'workload-8192-10000': { cv2: [21_776, 113.1], pil: [9_279, 48.2] },
};

function paintedPixels(r, w) {
  let n = 0;
  for (const a of w.annotations) r.spans(a.polygons, w.width, w.height, (_y, x0, x1) => (n += x1 - x0));
  return n;
}

/** Baseline: per-pixel point-in-polygon over each object's bbox, float math (even-odd ray test). */
function naiveFill(w, annotations) {
  const { width, height } = w;
  const canvas = new Uint8Array(width * height);
  for (const a of annotations) {
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (const ring of a.polygons) {
      for (let i = 0; i < ring.length; i += 2) {
        x0 = Math.min(x0, ring[i]);
        x1 = Math.max(x1, ring[i]);
        y0 = Math.min(y0, ring[i + 1]);
        y1 = Math.max(y1, ring[i + 1]);
      }
    }
    const ya = Math.max(0, Math.floor(y0));
    const yb = Math.min(height, Math.ceil(y1));
    const xa = Math.max(0, Math.floor(x0));
    const xb = Math.min(width, Math.ceil(x1));
    for (let y = ya; y < yb; y++) {
      const py = y + 0.5;
      for (let x = xa; x < xb; x++) {
        const px = x + 0.5;
        let inside = false;
        for (const ring of a.polygons) {
          const n = ring.length;
          for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
            const yi = ring[i + 1];
            const yj = ring[j + 1];
            if (yi > py !== yj > py && px < ((ring[j] - ring[i]) * (py - yi)) / (yj - yi) + ring[i])
              inside = !inside;
          }
        }
        if (inside) canvas[y * width + x] = a.class_id;
      }
    }
  }
  return canvas;
}

function workloadResult(name, r, runs, warmup) {
  const w = loadWorkload(name);
  const painted = paintedPixels(r, w);
  const { wall: s, cpu } = time(() => paintWorkload(r, w), runs, warmup);
  const n = w.annotations.length;
  const result = {
    workload: name,
    canvas: `${w.width}x${w.height}`,
    polygons: n,
    seconds: s,
    polygonsPerSecond: n / s,
    // CPU time is less sensitive to other processes on a shared machine (not to cache sharing).
    polygonsPerCpuSecond: n / cpu,
    paintedMPps: painted / 1e6 / s,
    canvasMPps: (w.width * w.height) / 1e6 / s,
    vsCv2: n / s / REFERENCE[name].cv2[0],
    vsPil: n / s / REFERENCE[name].pil[0],
  };
  if (name === 'workload-2048-1000') {
    const expected = PNG.sync.read(readFileSync(path.join(WORKLOAD_DIR, 'expected-2048-1000.png')));
    const got = paintWorkload(r, w);
    let diff = 0;
    for (let i = 0; i < got.length; i++) if (expected.data[i * 4] !== got[i]) diff++;
    result.pixelsDifferingFromExpectedPng = diff;
  }
  return { result, w };
}

function baselineResult(r, w, subset, runs) {
  const annotations = w.annotations.slice(0, subset);
  const naive = time(() => naiveFill(w, annotations), Math.max(1, runs - 2), 1).wall;
  const ours = time(() => paintWorkload(r, w, annotations), runs, 2).wall;
  const a = naiveFill(w, annotations);
  const b = paintWorkload(r, w, annotations);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return {
    baseline: 'naive per-pixel bbox point-in-polygon, float math',
    polygons: subset,
    baselinePolygonsPerSecond: subset / naive,
    oursPolygonsPerSecond: subset / ours,
    speedup: naive / ours,
    pixelsDiffering: diff,
  };
}

/** Seeded random blobs like the shared workloads (star-shaped, radius 6..96 px, 15 % with a hole). */
function* blobs(count, size, seed) {
  const rnd = mulberry32(seed);
  const q = (v) => Math.round(v * 64) / 64;
  for (let i = 0; i < count; i++) {
    const cx = rnd() * size;
    const cy = rnd() * size;
    const r = Math.exp(Math.log(6) + rnd() * Math.log(16));
    const n = Math.max(20, Math.min(400, Math.round((2 * Math.PI * r) / 1.5)));
    const [p1, p2, a1, a2] = [rnd() * 6.3, rnd() * 6.3, 0.1 + 0.15 * rnd(), 0.05 + 0.1 * rnd()];
    const ring = (scale) => {
      const out = [];
      for (let k = 0; k < n; k++) {
        const t = (2 * Math.PI * k) / n;
        const rr = scale * r * (1 + a1 * Math.sin(3 * t + p1) + a2 * Math.sin(5 * t + p2));
        out.push([q(cx + rr * Math.cos(t)), q(cy + rr * Math.sin(t))]);
      }
      out.push(out[0]);
      return out;
    };
    const rings = [ring(1)];
    if (rnd() < 0.15) rings.push(ring(0.35));
    yield {
      id: i + 1,
      annotationId: i + 1,
      image: { id: 1, width: size, height: size },
      geometry: { type: 'Polygon', coordinates: rings },
      frame: 'image',
      scale: 1,
      termIds: [],
      classId: 1 + Math.floor(rnd() * 6),
      annotation: { id: i + 1, term: [] },
    };
  }
}

function currentRssMB() {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Child side: writes the big mask band by band, reports time and peak RSS, deletes it. */
async function slide(count, size) {
  const features = [...blobs(count, size, 20240611)];
  globalThis.gc?.(); // drop the generator's garbage: what remains is the batch the writer receives
  const rssBefore = currentRssMB();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cytorx-bench-'));
  try {
    const ctx = {
      out: await createOutputDir(dir),
      classes: { background: 0, unlabeled: 255, classes: [] },
      warn: () => {},
      logger: { debug: () => {}, info: () => {} },
      signal: new AbortController().signal,
    };
    const writer = maskWriter();
    const t = performance.now();
    await writer.write(
      { image: features[0].image, canvas: { x: 0, y: 0, width: size, height: size, scale: 1 }, features },
      ctx,
    );
    const summary = await writer.close(ctx);
    const seconds = (performance.now() - t) / 1000;
    const file = path.join(dir, summary.files[0]);
    return {
      canvas: `${size}x${size}`,
      annotations: count,
      seconds,
      canvasMPps: (size * size) / 1e6 / seconds,
      peakRssMB: peakRssMB(),
      rssBeforeWriteMB: rssBefore, // the features (input batch), after GC
      fileMB: statSync(file).size / 1e6,
      contestedPixels: summary.details.contestedPixels,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runSlide(count, size) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--slide', String(count), String(size)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--expose-gc'],
    });
    let result;
    child.on('message', (m) => (result = m));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`slide child exited ${code}`)),
    );
  });
}

/**
 * Runs the rasterizer benchmark.
 * @param {object} [options]
 * @param {string[]} [options.workloads] workloads (bench/workloads) to time (default: 2048-1000, 2048-10000, 8192-10000)
 * @param {number} [options.runs=7] timed runs per workload (median reported), after 2 warm-up runs
 * @param {number} [options.baselineSubset=200] polygons of 2048-1000 given to the naive baseline
 * @param {number} [options.slideAnnotations=20000] annotations on the big slide (0 skips it)
 * @param {number} [options.slideSize=100000] big slide width = height
 * @returns {Promise<object>} per-workload rates and ratios, baseline, big-slide figures
 */
export async function run(options = {}) {
  const {
    workloads = ['workload-2048-1000', 'workload-2048-10000', 'workload-8192-10000'],
    runs = 7,
    baselineSubset = 200,
    slideAnnotations = 20_000,
    slideSize = 100_000,
  } = options;
  const r = new Rasterizer();
  const results = { workloads: [] };
  for (const name of workloads) {
    const { result, w } = workloadResult(name, r, runs, 2);
    results.workloads.push(result);
    if (name === 'workload-2048-1000') results.baseline = baselineResult(r, w, baselineSubset, runs);
  }
  if (slideAnnotations > 0) results.slide = await runSlide(slideAnnotations, slideSize);
  return results;
}

function print(results) {
  const f = (v, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log('rasterizer (fill incl. canvas allocation, median of runs after warm-up)');
  console.log(
    'workload             polygons/s  painted MP/s  canvas MP/s  vs cv2  vs PIL  polygons/CPU-s  exact',
  );
  for (const w of results.workloads) {
    const exact =
      w.pixelsDifferingFromExpectedPng === undefined ? '' : `${w.pixelsDifferingFromExpectedPng} px differ`;
    console.log(
      `${w.workload.padEnd(20)} ${f(w.polygonsPerSecond).padStart(10)}  ${f(w.paintedMPps, 1).padStart(12)}  ${f(w.canvasMPps, 1).padStart(11)}  ${f(w.vsCv2, 2).padStart(5)}x  ${f(w.vsPil, 2).padStart(5)}x  ${f(w.polygonsPerCpuSecond).padStart(14)}  ${exact}`,
    );
  }
  const b = results.baseline;
  if (b) {
    console.log(
      `baseline (${b.baseline}, first ${b.polygons} polygons of 2048-1000): ${f(b.baselinePolygonsPerSecond)} polygons/s; ours ${f(b.oursPolygonsPerSecond)} polygons/s = ${f(b.speedup, 1)}x; ${b.pixelsDiffering} px differ (float ties)`,
    );
  }
  const s = results.slide;
  if (s) {
    console.log(
      `slide ${s.canvas} with ${f(s.annotations)} annotations, band mode to PNG: ${f(s.seconds, 1)} s (${f(s.canvasMPps)} canvas MP/s), peak RSS ${f(s.peakRssMB)} MB (RSS ${f(s.rssBeforeWriteMB)} MB with the input features loaded, before writing), file ${f(s.fileMB, 1)} MB`,
    );
  }
}

if (process.argv[2] === '--slide') {
  const result = await slide(Number(process.argv[3]), Number(process.argv[4]));
  process.send(result);
  process.disconnect();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  print(await run());
}
