// Micro-benchmark: the GeoJSON writer encoding features, through the public writer contract
// (geojsonWriter().write(batch, ctx)), with the files' bytes counted and discarded (no disk;
// a string chunk is encoded to UTF-8 bytes first, as an fs.WriteStream does with it),
// so the figure is the encoder's CPU cost (process CPU time is printed next to wall time: on a
// shared machine it moves less). Baseline in the same run: JSON.stringify of each
// Feature object, concatenated (what a naive writer does). Workload: 20 batches x 2,000
// polygon features of ~140 vertices (raster-coco.md §D's mean), y coordinates flipped from a
// 0.01 px grid (H - y, so many carry the flip's floating-point noise), 2 terms each.
// Needs the built packages: `pnpm exec tsc -b`, then `node --expose-gc bench/geojson.mjs`.
import { createWriterContext, geojsonWriter } from '../packages/writers/dist/index.js';

const BATCHES = 20;
const PER_BATCH = 2000;
const VERTICES = 140;
const W = 40_000;
const H = 30_000;

let seed = 20240611;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const TERMS = [
  { id: 101, name: 'Tumour', color: '#ff0000', ontology: 1 },
  { id: 102, name: 'Stroma', color: '#00ff00', ontology: 1 },
];
const CLASSES = {
  classes: [
    { id: 1, name: 'Tumour', termIds: [101], color: '#ff0000' },
    { id: 2, name: 'Stroma', termIds: [102], color: '#00ff00' },
  ],
  unlabeled: 255,
};

function makeBatch(b) {
  const image = { id: 1000 + b, width: W, height: H };
  const features = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const cx = rnd() * W;
    const cy = rnd() * H;
    const r = 6 + rnd() * 90;
    const ring = [];
    for (let k = 0; k < VERTICES; k++) {
      const a = (2 * Math.PI * k) / VERTICES;
      const rr = r * (0.8 + 0.4 * rnd());
      const x = Math.round((cx + rr * Math.cos(a)) * 100) / 100;
      const y = Math.round((cy + rr * Math.sin(a)) * 100) / 100;
      ring.push([x, H - y]);
    }
    ring.push(ring[0]);
    const id = b * PER_BATCH + i + 1;
    const termIds = i % 10 === 0 ? [] : [TERMS[i % 2].id];
    features.push({
      id,
      annotationId: id,
      image,
      geometry: { type: 'Polygon', coordinates: [ring] },
      frame: 'image',
      scale: 1,
      termIds,
      terms: TERMS.filter((t) => termIds.includes(t.id)),
      classId: termIds.length === 0 ? 255 : (i % 2) + 1,
      ...(termIds.length === 0 ? {} : { className: TERMS[i % 2].name }),
      annotation: { id, image: image.id, term: termIds, user: 5, created: 1_700_000_000_000 + id },
    });
  }
  return { image, canvas: { x: 0, y: 0, width: W, height: H }, features };
}

const batches = Array.from({ length: BATCHES }, (_, b) => makeBatch(b));
const features = BATCHES * PER_BATCH;

/** A context whose files count their bytes and drop them (strings encoded as a file stream would). */
async function discardingContext() {
  const ctx = await createWriterContext({ out: '/tmp', classes: CLASSES });
  let bytes = 0;
  const out = {
    root: ctx.out.root,
    resolve: (rel) => ctx.out.resolve(rel),
    writeFile: async () => undefined,
    open: async (rel) => ({
      relPath: rel,
      path: rel,
      write: async (chunk) => {
        bytes += (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).byteLength;
      },
      commit: async () => undefined,
      abort: async () => undefined,
    }),
  };
  return { ctx: { ...ctx, out }, bytes: () => bytes };
}

async function writerRun(flavor) {
  const { ctx, bytes } = await discardingContext();
  const w = geojsonWriter({ flavor });
  await w.open?.(ctx);
  for (const b of batches) await w.write(b, ctx);
  await w.close(ctx);
  return bytes();
}

async function baselineRun() {
  let bytes = 0;
  for (const b of batches) {
    let text = '{"type":"FeatureCollection","features":[';
    b.features.forEach((f, i) => {
      const properties = {
        image_id: f.image.id,
        annotation_id: f.annotationId,
        class_id: f.classId ?? null,
        class_name: f.className ?? null,
        term_ids: f.termIds,
        term_names: f.terms.map((t) => t.name),
        user_id: f.annotation.user ?? null,
        created: f.annotation.created ?? null,
      };
      text +=
        (i === 0 ? '\n' : ',\n') +
        JSON.stringify({ type: 'Feature', id: f.id, geometry: f.geometry, properties });
    });
    text += '\n]}\n';
    bytes += Buffer.from(text, 'utf8').byteLength;
  }
  return bytes;
}

async function measure(name, fn, runs = 5) {
  await fn(); // warm-up
  const times = [];
  const cpus = [];
  let bytes = 0;
  let allocated = 0;
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    bytes = await fn();
    const c = process.cpuUsage(c0);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    cpus.push((c.user + c.system) / 1e6);
    allocated = Math.max(allocated, process.memoryUsage().heapUsed - heap0);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const s = times[times.length >> 1];
  const cpu = cpus[cpus.length >> 1];
  console.log(
    `${name.padEnd(38)} wall ${s.toFixed(3)} s, CPU ${cpu.toFixed(3)} s  ` +
      `${Math.round(features / cpu)
        .toLocaleString('en-US')
        .padStart(7)} features per CPU s  ${(bytes / 1e6).toFixed(1)} MB`,
  );
  return cpu;
}

console.log(
  `${features.toLocaleString('en-US')} features x ${VERTICES} vertices, median of 5 runs (discarded output)`,
);
const base = await measure('baseline (JSON.stringify per feature)', baselineRun);
const def = await measure('geojsonWriter (default)', () => writerRun('default'));
const qp = await measure('geojsonWriter (qupath)', () => writerRun('qupath'));
console.log(`CPU ratio vs baseline: default ${(base / def).toFixed(2)}x, qupath ${(base / qp).toFixed(2)}x`);
