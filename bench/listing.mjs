// Benchmark: list 50,000 annotations of one image from the emulator with 20 ms latency per
// request, pages fetched concurrently vs one page at a time, measured in the same run.
// The emulator runs in a child process (like a remote server: its CPU does not compete with
// the client's event loop). Needs the built packages: `pnpm exec tsc -b`, then
// `node bench/listing.mjs`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lastValueFrom, reduce } from 'rxjs';
import { createClient, listAnnotations } from '../packages/core/dist/index.js';
import { startEmulator } from '../packages/emulator/dist/index.js';
import { reply } from './child-reply.mjs';

const SELF = fileURLToPath(import.meta.url);

/** Child-process side: serves the dataset until the parent disconnects. */
async function serve(annotations, latencyMs) {
  const emu = await startEmulator({
    dataset: { seed: 42, projects: 1, imagesPerProject: 1, annotationsPerImage: annotations },
    faults: { latencyMs },
  });
  process.on('message', (m) => {
    if (m === 'stats') process.send({ stats: emu.stats() });
    if (m === 'reset') {
      emu.resetStats();
      process.send({ reset: true });
    }
  });
  process.on('disconnect', () => emu.close().then(() => process.exit(0)));
  process.send({
    url: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    image: emu.dataset.images[0].id,
    ids: emu.dataset.annotations.length,
  });
}

/**
 * Lists the same annotations with one page at a time and with `concurrency` pages in flight.
 * @param {object} [options]
 * @param {number} [options.annotations=50000] annotations on the image
 * @param {number} [options.latencyMs=20] latency the emulator adds to each request
 * @param {number} [options.pageSize=1000] items per page (`max`)
 * @param {number} [options.concurrency=4] pages in flight in the concurrent run
 * @returns {Promise<object>} annotations/s of each mode and their ratio
 */
export async function run(options = {}) {
  const { annotations = 50_000, latencyMs = 20, pageSize = 1000, concurrency = 4 } = options;
  const child = fork(SELF, ['--serve', String(annotations), String(latencyMs)], { stdio: 'inherit' });
  try {
    const [info] = await once(child, 'message');
    const client = createClient({
      host: info.url,
      publicKey: info.publicKey,
      privateKey: info.privateKey,
      pageSize,
      connections: Math.max(concurrency, 1),
    });
    const measure = async (pageConcurrency) => {
      await reply(child, 'reset', 'reset');
      const started = performance.now();
      const { count } = await lastValueFrom(
        listAnnotations(client, { image: info.image }, { concurrency: pageConcurrency }).pipe(
          reduce(
            (acc, a) => {
              if (a.id >= acc.lastId) throw new Error('annotations out of order');
              return { count: acc.count + 1, lastId: a.id };
            },
            { count: 0, lastId: Number.POSITIVE_INFINITY },
          ),
        ),
      );
      const ms = performance.now() - started;
      if (count !== annotations) throw new Error(`listed ${count} annotations, expected ${annotations}`);
      const stats = await reply(child, 'stats', 'stats');
      return {
        concurrency: pageConcurrency,
        annotations: count,
        requests: stats.requests,
        ms: Math.round(ms),
        perSecond: Math.round((count / ms) * 1000),
      };
    };
    try {
      await measure(concurrency); // warm-up: JIT and keep-alive connections on both sides
      const sequential = await measure(1);
      const concurrent = await measure(concurrency);
      return {
        annotations,
        latencyMs,
        pageSize,
        sequential,
        concurrent,
        ratio: Math.round((concurrent.perSecond / sequential.perSecond) * 100) / 100,
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
  await serve(Number(process.argv[3]), Number(process.argv[4]));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run();
  console.log(
    `listing ${r.annotations} annotations, ${r.latencyMs} ms latency, pages of ${r.pageSize}:\n` +
      `  one page at a time  : ${r.sequential.perSecond} annotations/s (${r.sequential.ms} ms, ${r.sequential.requests} requests)\n` +
      `  ${r.concurrent.concurrency} pages concurrently: ${r.concurrent.perSecond} annotations/s (${r.concurrent.ms} ms, ${r.concurrent.requests} requests)\n` +
      `  ratio               : ${r.ratio}x`,
  );
}
