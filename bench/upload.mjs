// Benchmark: upload 10,000 features to the emulator with 20 ms latency per request, with
// cytorx's createAnnotations (batches by count and bytes, concurrent POSTs, ids recovered
// per item) vs the official Python client's behaviour simulated in the same run
// (`AnnotationCollection.save()`: chunks of 15, `n_workers` = CPU count threads, and the
// empty-array POST when the count is a multiple of 15). The emulator runs in a child process
// (like a remote server). Needs the built packages: `pnpm exec tsc -b`, then `node bench/upload.mjs`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { from, lastValueFrom, reduce } from 'rxjs';
import { createAnnotations, createClient, prepareGeometry } from '../packages/core/dist/index.js';
import { startEmulator } from '../packages/emulator/dist/index.js';
import { reply } from './child-reply.mjs';

const SELF = fileURLToPath(import.meta.url);
const SIZE = { width: 20_000, height: 20_000 };

/** Child-process side: an emulator with empty images, until the parent disconnects. */
async function serve(latencyMs) {
  const emu = await startEmulator({
    dataset: { seed: 3, projects: 1, imagesPerProject: 3, annotationsPerImage: 0, imageSize: SIZE },
    faults: { latencyMs },
  });
  const d = emu.dataset;
  process.on('message', (m) => {
    if (m === 'stats') process.send({ stats: emu.stats() });
    if (m === 'reset') {
      emu.resetStats();
      process.send({ reset: true });
    }
    if (m && typeof m === 'object' && 'count' in m) {
      process.send({ count: d.annotations.filter((a) => a.image === m.count).length });
    }
  });
  process.on('disconnect', () => emu.close().then(() => process.exit(0)));
  process.send({
    url: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    images: d.images.map((i) => i.id),
    term: d.terms.find((t) => t.ontology === d.projects[0].ontology).id,
  });
}

/** n distinct 20x20 squares in image space (hexagons would do as well; squares keep WKT short). */
function features(n, imageId, term) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const x = 10 + (k % 500) * 38;
    const y = 10 + Math.floor(k / 500) * 38;
    out.push({
      imageId,
      termIds: [term],
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + 20, y],
            [x + 20, y + 20],
            [x, y + 20],
            [x, y],
          ],
        ],
      },
    });
  }
  return out;
}

/**
 * The official client's save(): `(len + chunk) // chunk` chunks of 15 (so an empty `[]` chunk
 * when len % 15 == 0), mapped over a pool of `workers` threads, each POSTing its chunk and
 * waiting for the answer. Geometry goes as given (the Python client does no conversion), so the
 * simulation sends WKT prepared beforehand and is not charged for it.
 */
async function pythonLikeSave(client, items, { chunk = 15, workers = availableParallelism() } = {}) {
  const bodies = items.map((i) => ({
    location: prepareGeometry(i.geometry, SIZE).wkt,
    image: i.imageId,
    term: i.termIds,
  }));
  const chunks = Math.floor((bodies.length + chunk) / chunk);
  let next = 0;
  const worker = async () => {
    while (next < chunks) {
      const c = next++;
      await lastValueFrom(
        client.request('POST', '/api/annotation.json', {
          body: bodies.slice(c * chunk, (c + 1) * chunk),
          retry: false,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return chunks;
}

/**
 * Uploads `count` features with cytorx and with the simulated Python client.
 * @param {object} [options]
 * @param {number} [options.count=10000] features per run
 * @param {number} [options.latencyMs=20] latency the emulator adds to each request
 * @param {number} [options.batchSize=100] cytorx batch size
 * @param {number} [options.concurrency=4] cytorx batch POSTs in flight
 * @returns {Promise<object>} features/s of each and their ratio
 */
export async function run(options = {}) {
  const { count = 10_000, latencyMs = 20, batchSize = 100, concurrency = 4 } = options;
  const child = fork(SELF, ['--serve', String(latencyMs)], { stdio: 'inherit' });
  try {
    const [info] = await once(child, 'message');
    const client = createClient({ host: info.url, publicKey: info.publicKey, privateKey: info.privateKey });
    const [warmImage, oursImage, pythonImage] = info.images;
    const ours = async (imageId, n) => {
      const items = features(n, imageId, info.term);
      const started = performance.now();
      const tally = await lastValueFrom(
        from(items).pipe(
          createAnnotations(client, { batchSize, concurrency }),
          reduce((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {}),
        ),
      );
      const ms = performance.now() - started;
      if (tally.created !== n)
        throw new Error(`cytorx created ${tally.created} of ${n}: ${JSON.stringify(tally)}`);
      return ms;
    };
    try {
      await ours(warmImage, 1000); // warm-up: JIT and keep-alive connections on both sides
      await reply(child, 'reset', 'reset');
      const oursMs = await ours(oursImage, count);
      const oursStats = await reply(child, 'stats', 'stats');
      await reply(child, 'reset', 'reset');
      const started = performance.now();
      const chunks = await pythonLikeSave(client, features(count, pythonImage, info.term));
      const pythonMs = performance.now() - started;
      const pythonStats = await reply(child, 'stats', 'stats');
      const saved = await reply(child, { count: pythonImage }, 'count');
      if (saved !== count) throw new Error(`python-like save stored ${saved} of ${count}`);
      const rate = (ms) => Math.round((count / ms) * 1000);
      return {
        count,
        latencyMs,
        cytorx: {
          batchSize,
          concurrency,
          ms: Math.round(oursMs),
          requests: oursStats.requests,
          perSecond: rate(oursMs),
        },
        python: {
          chunk: 15,
          workers: availableParallelism(),
          chunks,
          ms: Math.round(pythonMs),
          requests: pythonStats.requests,
          perSecond: rate(pythonMs),
        },
        ratio: Math.round((rate(oursMs) / rate(pythonMs)) * 100) / 100,
      };
    } finally {
      await client.close();
    }
  } finally {
    child.disconnect();
    await once(child, 'exit');
  }
}

if (process.argv[2] === '--serve') {
  await serve(Number(process.argv[3]));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run();
  console.log(
    `uploading ${r.count} features, ${r.latencyMs} ms latency:\n` +
      `  cytorx (batches of ${r.cytorx.batchSize}, ${r.cytorx.concurrency} in flight): ${r.cytorx.perSecond} features/s (${r.cytorx.ms} ms, ${r.cytorx.requests} requests)\n` +
      `  python client simulated (chunks of 15, ${r.python.workers} workers)  : ${r.python.perSecond} features/s (${r.python.ms} ms, ${r.python.requests} requests)\n` +
      `  ratio: ${r.ratio}x`,
  );
}
