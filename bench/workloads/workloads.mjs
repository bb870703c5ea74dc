// Rasterizer workloads: the small golden one is committed beside this file (with its exact mask,
// expected-2048-1000.png); the large ones are generated here from a seed and checked against the
// SHA-256 digests committed in digests.json, so every clone benchmarks the same polygons.
// Format (as raster-coco.md §D): {"width","height","seed","grid","coords","annotations":
// [{"class_id","polygons":[[x0,y0,x1,y1,...], ...]}]}, first ring outer, the rest holes, open
// rings (the first point is not repeated), painted in list order, last wins.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Folder holding the committed workloads, the expected mask and digests.json. */
export const WORKLOAD_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The seed shared by every workload (each is also seeded by its canvas and count). */
export const WORKLOAD_SEED = 20240611;

const GRID = 64;
const COORDS = 'flat rings [x0,y0,x1,y1,...], first ring outer, others holes; even-odd; last writer wins';

/** mulberry32: a small 32-bit PRNG, identical on every platform (integer math only); values in [0, 1). */
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const snap = (v) => Math.round(v * GRID) / GRID;

/**
 * One star-shaped ring around (cx, cy): `n` vertices at even angles from 0, radius
 * `r * (1 + Σ a_k sin(k t + p_k))`, snapped to the 1/64 px grid.
 */
function starRing(rnd, cx, cy, r, n, wobble) {
  const harmonics = [2, 3, 4, 5].map((k) => [k, rnd() * 2 * Math.PI, rnd()]);
  const total = harmonics.reduce((s, h) => s + h[2], 0) || 1;
  const ring = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    let f = 1;
    for (const [k, phase, weight] of harmonics) f += ((wobble * weight) / total) * Math.sin(k * t + phase);
    ring.push(snap(cx + r * f * Math.cos(t)), snap(cy + r * f * Math.sin(t)));
  }
  return ring;
}

/**
 * Generates a workload like raster-coco.md §D: star-shaped blobs with mean radius log-uniform in
 * 6–96 px and about 1.5 px vertex spacing (25–400 vertices), 10 % with one hole and 5 % with two
 * (strictly inside, disjoint), classes 1..6, centres uniform over the canvas plus a 32 px margin.
 * Deterministic: the same arguments give the same workload (see `workloadDigest`).
 * @param {{ width: number, height: number, count: number, seed?: number }} options
 */
export function generateWorkload({ width, height, count, seed = WORKLOAD_SEED }) {
  const rnd = mulberry32(seed ^ Math.imul(width, 0x9e3779b1) ^ Math.imul(count, 0x85ebca6b));
  const annotations = [];
  for (let i = 0; i < count; i++) {
    const cx = -32 + rnd() * (width + 64);
    const cy = -32 + rnd() * (height + 64);
    const r = Math.exp(Math.log(6) + rnd() * Math.log(16));
    const n = Math.min(400, Math.max(20, Math.round((2 * Math.PI * r) / 1.5)));
    const wobble = 0.12 * rnd(); // (max - min) / mean radius up to about 0.5
    const polygons = [starRing(rnd, cx, cy, r, n, wobble)];
    const u = rnd();
    const holes = u < 0.05 ? 2 : u < 0.15 ? 1 : 0;
    // Outer radius >= r (1 - wobble) >= 0.88 r. One hole: radius <= 0.2 r at distance <= 0.3 r,
    // so it ends by 0.3 r + 0.2 r * 1.12 < 0.88 r. Two holes: on opposite sides at 0.4 r,
    // radius <= 0.2 r each: disjoint (0.8 r apart > 0.45 r) and inside (0.4 r + 0.224 r < 0.88 r).
    const angle = rnd() * 2 * Math.PI;
    for (let h = 0; h < holes; h++) {
      const hr = r * (0.12 + 0.08 * rnd());
      const d = holes === 1 ? 0.3 * r * rnd() : 0.4 * r;
      const a = angle + h * Math.PI;
      const hn = Math.max(12, Math.round((2 * Math.PI * hr) / 1.5));
      polygons.push(starRing(rnd, cx + d * Math.cos(a), cy + d * Math.sin(a), hr, hn, 0.12 * rnd()));
    }
    annotations.push({ class_id: 1 + Math.floor(rnd() * 6), polygons });
  }
  return { width, height, seed, grid: GRID, coords: COORDS, annotations };
}

/** SHA-256 (hex) of the workload's JSON text, the digest recorded in digests.json. */
export function workloadDigest(workload) {
  return createHash('sha256').update(JSON.stringify(workload)).digest('hex');
}

/** The committed digests, by workload name (`workload-2048-10000`, ...). */
export function committedDigests() {
  return JSON.parse(readFileSync(path.join(WORKLOAD_DIR, 'digests.json'), 'utf8'));
}

/**
 * Loads a workload by name (`workload-{canvas}-{count}`): the committed file if there is one,
 * else the generated one. Either way its digest must equal the committed one.
 * @param {string} name
 * @throws {Error} naming the workload and both digests when they differ
 */
export function loadWorkload(name) {
  const expected = committedDigests()[name];
  if (expected === undefined)
    throw new Error(`unknown workload ${name}: not in ${WORKLOAD_DIR}/digests.json`);
  const m = /^workload-(\d+)-(\d+)$/.exec(name);
  if (!m) throw new Error(`workload name ${name} is not workload-{canvas}-{count}`);
  let workload;
  try {
    workload = JSON.parse(
      gunzipSync(readFileSync(path.join(WORKLOAD_DIR, `${name}.json.gz`))).toString('utf8'),
    );
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    const size = Number(m[1]);
    workload = generateWorkload({ width: size, height: size, count: Number(m[2]) });
  }
  const actual = workloadDigest(workload);
  if (actual !== expected) {
    throw new Error(
      `workload ${name} has digest ${actual}, expected ${expected} (bench/workloads/digests.json)`,
    );
  }
  return workload;
}

/**
 * Paints a workload on a fresh canvas (allocation included), in list order, last wins: what
 * the rasterizer benchmarks time. `rasterizer` is a `Rasterizer` of @cytorx/writers.
 * @param {{ spans: Function }} rasterizer
 * @param {{ width: number, height: number, annotations: { class_id: number, polygons: number[][] }[] }} workload
 * @param annotations a subset to paint (default all)
 * @returns {Uint8Array} the class mask, row-major
 */
export function paintWorkload(rasterizer, workload, annotations = workload.annotations) {
  const { width, height } = workload;
  const canvas = new Uint8Array(width * height);
  let value = 0;
  const onSpan = (y, x0, x1) => canvas.fill(value, y * width + x0, y * width + x1);
  for (const a of annotations) {
    value = a.class_id;
    rasterizer.spans(a.polygons, width, height, onSpan);
  }
  return canvas;
}
