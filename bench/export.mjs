// Benchmark: export a project of 20 images x 5,000 annotations (GeoJSON + masks + COCO) from
// the emulator with 20 ms latency per request, with `exportProject` (default concurrency)
// against a sequential baseline measured in the same run: one request at a time, as the
// official Python client does (per image one `annotation.json?max=0&image=..&showWKT=true&
// showTerm=true`), then the same processing and writers, one image after the other.
// The emulator runs in its own child process (a remote server: its CPU and memory are not the
// exporter's); each mode runs in a fresh child process so its peak RSS is its own.
// Needs the built packages: `pnpm exec tsc -b`, then `node bench/export.mjs`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** Child: serves the dataset until disconnected. */
async function serve(config) {
  const { startEmulator } = await import('../packages/emulator/dist/index.js');
  const emu = await startEmulator({
    dataset: {
      seed: 42,
      projects: 1,
      imagesPerProject: config.images,
      annotationsPerImage: config.annotations,
      imageSize: { width: config.size, height: config.size },
    },
    faults: { latencyMs: config.latencyMs },
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
    project: emu.dataset.projects[0].id,
    annotations: emu.dataset.annotations.length,
  });
}

/** Child: one measured export (`mode` = `export` or `sequential`); replies with figures. */
async function measure(mode, info) {
  const core = await import('../packages/core/dist/index.js');
  const writers = await import('../packages/writers/dist/index.js');
  const { filter, lastValueFrom, from, toArray } = await import('rxjs');
  const out = await mkdtemp(path.join(tmpdir(), `cytorx-bench-${mode}-`));
  const client = core.createClient({
    host: info.url,
    publicKey: info.publicKey,
    privateKey: info.privateKey,
  });
  let atPeak = process.memoryUsage();
  let peak = atPeak.rss;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) {
      peak = m.rss;
      atPeak = m;
    }
  }, 20);
  const started = performance.now();
  let annotations = 0;
  let images = 0;
  try {
    if (mode === 'export') {
      // Only the last event is kept: the others are dropped as they come.
      const done = await lastValueFrom(
        writers
          .exportProject(client, {
            project: info.project,
            out,
            formats: ['geojson', 'mask', 'coco'],
            ...info.exportOptions,
          })
          .pipe(filter((e) => e.type === 'done')),
      );
      if (!done?.summary?.complete) throw new Error('export did not complete');
      annotations = done.summary.annotations;
      images = done.summary.images.exported;
    } else {
      const terms = await lastValueFrom(core.listTerms(client, { project: info.project }).pipe(toArray()));
      const list = await lastValueFrom(core.listImages(client, info.project).pipe(toArray()));
      const classes = core.defaultClassMapping(terms);
      const ctx = await writers.createWriterContext({ out, classes });
      // The writers exportProject uses (masks painted in bands above 4 Mpx).
      const ws = [
        writers.geojsonWriter(),
        writers.maskWriter({ bandThreshold: 4 * 1024 * 1024 }),
        writers.cocoWriter(),
      ];
      for (const w of ws) await w.open?.(ctx);
      for (const image of list.sort((a, b) => a.id - b.id)) {
        const page = await lastValueFrom(
          client.request('GET', '/api/annotation.json', {
            query: { max: 0, image: image.id, showWKT: true, showTerm: true },
          }),
        );
        const raw = Array.isArray(page) ? page : page.collection;
        annotations += raw.length;
        const features = await lastValueFrom(
          from(raw.map(core.normalizeAnnotation)).pipe(
            core.parseWkt({ images: image }),
            core.toImageSpace(),
            core.resolveTerms(terms),
            core.mapClasses({ mapping: classes }),
            core.repair(),
            core.clipToImage(),
            toArray(),
          ),
        );
        const batch = core.imageBatch(image, features);
        for (const w of ws) await w.write(batch, ctx);
        images++;
      }
      for (const w of ws) await w.close(ctx);
    }
  } finally {
    clearInterval(sampler);
    await client.close();
  }
  const ms = performance.now() - started;
  peak = Math.max(peak, process.memoryUsage().rss);
  await rm(out, { recursive: true, force: true });
  // maxRSS (kB) covers the whole process life, module loading included.
  const maxRss = process.resourceUsage().maxRSS * 1024;
  return {
    mode,
    ms: Math.round(ms),
    annotations,
    images,
    peakRssMb: Math.round(Math.max(peak, maxRss) / 2 ** 20),
    // What the RSS was made of at its sampled peak (V8 heap vs Buffers and native memory).
    atPeak: {
      heapUsedMb: Math.round(atPeak.heapUsed / 2 ** 20),
      heapTotalMb: Math.round(atPeak.heapTotal / 2 ** 20),
      externalMb: Math.round(atPeak.external / 2 ** 20),
    },
  };
}

function reply(child, message, key) {
  return new Promise((resolve, reject) => {
    const on = (m) => {
      if (m && key in m) {
        child.off('message', on);
        resolve(m[key]);
      }
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    if (message !== undefined) child.send(message);
  });
}

async function runMode(mode, info) {
  const child = fork(SELF, ['--measure', mode, JSON.stringify(info)], { stdio: 'inherit' });
  const result = await reply(child, undefined, 'result');
  await once(child, 'exit');
  return result;
}

/**
 * Measures export throughput and peak RSS against the sequential baseline.
 * @param {object} [options]
 * @param {number} [options.images=20]
 * @param {number} [options.annotations=5000] annotations per image
 * @param {number} [options.latencyMs=20]
 * @param {number} [options.size=4096] image width and height (px)
 * @param {object} [options.exportOptions] extra `exportProject` options (e.g. `{ concurrency: 2 }`)
 * @returns {Promise<object>} figures of both modes and the throughput ratio
 */
export async function run(options = {}) {
  const config = { images: 20, annotations: 5000, latencyMs: 20, size: 4096, ...options };
  const server = fork(SELF, ['--serve', JSON.stringify(config)], { stdio: 'inherit' });
  try {
    const [served] = await once(server, 'message');
    const info = { ...served, exportOptions: config.exportOptions ?? {} };
    const rate = (r) => ({
      ...r,
      annotationsPerSecond: Math.round((r.annotations / r.ms) * 1000),
      imagesPerSecond: Math.round((r.images / r.ms) * 100_000) / 100,
    });
    const sequential = rate(await runMode('sequential', info));
    await reply(server, 'reset', 'reset');
    const exported = rate(await runMode('export', info));
    const stats = await reply(server, 'stats', 'stats');
    return {
      ...config,
      totalAnnotations: info.annotations,
      sequential,
      export: { ...exported, requests: stats.requests },
      ratio: Math.round((exported.annotationsPerSecond / sequential.annotationsPerSecond) * 100) / 100,
    };
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}

if (process.argv[2] === '--serve') {
  await serve(JSON.parse(process.argv[3]));
} else if (process.argv[2] === '--measure') {
  const result = await measure(process.argv[3], JSON.parse(process.argv[4]));
  process.send({ result });
  process.disconnect();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run();
  const line = (name, m) =>
    `  ${name}: ${m.annotationsPerSecond} annotations/s, ${m.imagesPerSecond} images/s (${m.ms} ms), peak RSS ${m.peakRssMb} MB`;
  console.log(
    `export of ${r.images} images x ${r.annotations} annotations (${r.size}x${r.size} px), ${r.latencyMs} ms latency, geojson+mask+coco:\n` +
      `${line('sequential (one request at a time)', r.sequential)}\n` +
      `${line(`exportProject (concurrency 4, ${r.export.requests} requests)`, r.export)}\n` +
      `  ratio: ${r.ratio}x`,
  );
}
