// Benchmark: a 100,000 x 100,000 slide with 20,000 annotations written as an OME-Zarr label
// pyramid (omeZarrWriter: every level rasterized, 1024² zlib chunks, background chunks left
// out), next to the same slide as one PNG mask (maskWriter, band by band) in the same run.
// Each writer runs in its own child process on the same seeded input, so wall time and peak RSS
// (VmHWM) are per writer. Needs the built packages: `pnpm exec tsc -b`, then
// `node bench/ome-zarr.mjs [size] [annotations]`.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWriterContext, maskWriter, omeZarrWriter } from '../packages/writers/dist/index.js';
import { reply } from './child-reply.mjs';

const SELF = fileURLToPath(import.meta.url);
const CLASSES = {
  background: 0,
  unlabeled: 255,
  classes: [1, 2, 3, 4, 5, 6].map((id) => ({
    id,
    name: `class ${id}`,
    color: `#${(id * 0x2a3b4c).toString(16).slice(-6).padStart(6, '0')}`,
    termIds: [id],
  })),
};

/** xorshift32, seeded: the same input in both children. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * `count` cell-like polygons on a `size`² slide: radius 6..96 px (log-uniform), 20..400
 * vertices on a 1/64 px grid, one in seven with a hole, six classes.
 */
function slideFeatures(count, size, seed) {
  const next = random(seed);
  const image = { id: 1, width: size, height: size, physicalSizeX: 0.25 };
  const grid = (v) => Math.round(v * 64) / 64;
  const features = [];
  for (let id = 1; id <= count; id++) {
    const cx = next() * size;
    const cy = next() * size;
    const radius = 6 * 16 ** next();
    const vertices = Math.min(400, Math.max(20, Math.round(4 * radius)));
    const phase = next() * 2 * Math.PI;
    const outline = (k) => {
      const pts = [];
      for (let v = 0; v <= vertices; v++) {
        const t = ((v % vertices) / vertices) * 2 * Math.PI;
        const r = k * radius * (1 + 0.2 * Math.sin(4 * t + phase));
        pts.push([
          grid(Math.min(size, Math.max(0, cx + r * Math.cos(t)))),
          grid(Math.min(size, Math.max(0, cy + r * Math.sin(t)))),
        ]);
      }
      return pts;
    };
    const coordinates = next() < 1 / 7 ? [outline(1), outline(0.4)] : [outline(1)];
    features.push({
      id,
      annotationId: id,
      image,
      geometry: { type: 'Polygon', coordinates },
      frame: 'image',
      scale: 1,
      termIds: [],
      classId: 1 + Math.floor(next() * 6),
      annotation: { id, term: [] },
    });
  }
  return features;
}

function peakRssMB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

function treeBytes(dir) {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(path.join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

/** Child side: one writer on the slide; reports time, peak RSS and what it wrote. */
async function child(kind, size, count) {
  const features = slideFeatures(count, size, 20_240_611);
  globalThis.gc?.();
  const rssInputMB = process.memoryUsage().rss / 1024 / 1024;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cytorx-bench-zarr-'));
  try {
    // Warnings (contested pixels) are collected, a few per image: no effect on the figures.
    const ctx = await createWriterContext({ out: dir, classes: CLASSES });
    const writer = kind === 'ome-zarr' ? omeZarrWriter() : maskWriter();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await writer.write(
      { image: features[0].image, canvas: { x: 0, y: 0, width: size, height: size, scale: 1 }, features },
      ctx,
    );
    const summary = await writer.close(ctx);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const written = treeBytes(dir);
    const image = summary.details.images?.['1'];
    return {
      writer: kind,
      seconds,
      cpuSeconds,
      peakRssMB: peakRssMB(),
      rssInputMB,
      files: written.files,
      bytes: written.bytes,
      chunks: summary.details.chunks,
      levels: image?.levels,
      contestedPixels: summary.details.contestedPixels,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(kind, size, count) {
  const c = fork(SELF, ['--child', kind, String(size), String(count)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc'],
  });
  return reply(c, undefined, 'result');
}

/**
 * Runs the benchmark: the PNG mask first (baseline), then OME-Zarr, on the same slide.
 * @param {object} [options]
 * @param {number} [options.size=100000] slide width = height
 * @param {number} [options.annotations=20000] annotations on the slide
 * @returns {Promise<{ size: number, annotations: number, mask: object, omeZarr: object }>}
 */
export async function run(options = {}) {
  const { size = 100_000, annotations = 20_000 } = options;
  const mask = await runChild('mask', size, annotations);
  const omeZarr = await runChild('ome-zarr', size, annotations);
  return { size, annotations, mask, omeZarr };
}

function print(r) {
  const f = (v, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `slide ${f(r.size)}² with ${f(r.annotations)} annotations (peak RSS includes the input features)`,
  );
  console.log('writer     wall s   CPU s  peak RSS MB  input RSS MB   files  MB on disk  levels');
  for (const x of [r.mask, r.omeZarr]) {
    const levels = x.levels
      ? `${x.levels.length} (${x.levels.map((l) => `${l[1]}x${l[0]}`).join(', ')})`
      : '1 (PNG)';
    console.log(
      `${x.writer.padEnd(9)} ${f(x.seconds, 1).padStart(7)}  ${f(x.cpuSeconds, 1).padStart(6)}  ${f(x.peakRssMB).padStart(11)}  ${f(x.rssInputMB).padStart(12)}  ${f(x.files).padStart(6)}  ${f(x.bytes / 1e6, 1).padStart(10)}  ${levels}`,
    );
  }
  console.log(
    `ome-zarr: ${f(r.omeZarr.chunks)} chunks of 1024² written (background chunks left out); ${f(r.omeZarr.seconds / r.mask.seconds, 2)}x the PNG mask's wall time (${f(r.omeZarr.cpuSeconds / r.mask.cpuSeconds, 2)}x its CPU time) for ${r.omeZarr.levels.length} levels; peak RSS ${f(r.omeZarr.peakRssMB)} MB (target < 512 MB)`,
  );
}

if (process.argv[2] === '--child') {
  const [, , , kind, size, count] = process.argv;
  process.send({ result: await child(kind, Number(size), Number(count)) });
  process.disconnect();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [size, annotations] = process.argv.slice(2).map(Number);
  print(await run({ ...(size ? { size } : {}), ...(annotations ? { annotations } : {}) }));
}
