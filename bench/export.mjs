// Benchmark: `exportProject` of this checkout against the export engine at commit db64686
// (the baseline the export-engine issue names), measured in the same run, interleaved
// A B A B, each run in its own process, against one emulator in its own process.
//
// Scenario 1 (the issue's): a nuclei-like project, 20 images of 8192 x 8192 px with 5,000
// star-shaped annotations each (radius 8-100 px, some with holes), 20 ms latency,
// `geojson,mask`. Scenario 2: heavy overlap, 20 images of 4096² with 5,000 annotations of
// every kind (radius up to 300 px), 20 ms latency, `geojson,mask,coco`.
//
// The baseline is built from git (`git archive db64686` into a folder under the OS temp dir,
// `pnpm install --frozen-lockfile --prefer-offline`, `tsc -b`) once and reused by later runs.
// It needs the repository's history: a shallow clone cannot build it (`git fetch --unshallow`).
//
// Printed per run: wall time, annotations/s, process CPU (all threads), peak RSS; then per
// pair the throughput ratio new/baseline, and the median. Needs the built packages (`pnpm
// bench` builds them). `node bench/export.mjs [--pairs N] [--scenario 1|2] [--options JSON]`.
import { execFileSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { reply } from './child-reply.mjs';

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), '..');
const BASELINE = 'db6468602c5ec9e41dae30628a43cd1d72dcab96';
const MB = 2 ** 20;

export const SCENARIOS = {
  1: {
    title: 'nuclei-like: 20 images of 8192², 5,000 annotations each (radius 8-100 px), 20 ms, geojson+mask',
    dataset: {
      images: 20,
      annotations: 5000,
      size: 8192,
      kinds: ['simple', 'hole'],
      radius: { min: 8, max: 100 },
    },
    latencyMs: 20,
    formats: ['geojson', 'mask'],
  },
  2: {
    title: 'heavy overlap: 20 images of 4096², 5,000 annotations of every kind, 20 ms, geojson+mask+coco',
    dataset: { images: 20, annotations: 5000, size: 4096 },
    latencyMs: 20,
    formats: ['geojson', 'mask', 'coco'],
  },
};

/** Builds the baseline export engine from git once; returns its folder. */
export function baselineRoot(commit = BASELINE) {
  const dir = path.join(tmpdir(), `cytorx-bench-baseline-${commit.slice(0, 12)}`);
  const done = path.join(dir, '.built');
  if (existsSync(done)) return dir;
  const git = (...args) => execFileSync('git', ['-C', REPO, ...args], { encoding: 'utf8' });
  try {
    git('cat-file', '-e', `${commit}^{commit}`);
  } catch {
    throw new Error(
      `the baseline commit ${commit} is not in this repository (a shallow clone?): run \`git fetch --unshallow\``,
    );
  }
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  process.stderr.write(`building the baseline (${commit.slice(0, 7)}) in ${dir} ...\n`);
  execFileSync('sh', ['-c', `git -C "${REPO}" archive ${commit} | tar -x -C "${dir}"`]);
  const opts = { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } };
  execFileSync('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], opts);
  execFileSync('pnpm', ['exec', 'tsc', '-b'], opts);
  execFileSync('touch', [done]);
  return dir;
}

/** Child: serves the dataset until disconnected; reports its own CPU time. */
async function serve(scenario) {
  const { startEmulator } = await import(
    pathToFileURL(path.join(REPO, 'packages/emulator/dist/index.js')).href
  );
  const d = scenario.dataset;
  const emu = await startEmulator({
    dataset: {
      seed: 42,
      projects: 1,
      imagesPerProject: d.images,
      annotationsPerImage: d.annotations,
      imageSize: { width: d.size, height: d.size },
      ...(d.kinds ? { kinds: d.kinds } : {}),
      ...(d.radius ? { radius: d.radius } : {}),
    },
    faults: { latencyMs: scenario.latencyMs },
  });
  let cpu = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'stats') {
      const c = process.cpuUsage(cpu);
      process.send({ stats: { cpuMs: Math.round((c.user + c.system) / 1000) } });
    }
    if (m === 'reset') {
      cpu = process.cpuUsage();
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

/** Child: one export with the engine under `root`; replies with its figures. */
async function measure(root, info, formats, extra) {
  const load = (pkg) => import(pathToFileURL(path.join(root, `packages/${pkg}/dist/index.js`)).href);
  const core = await load('core');
  const writers = await load('writers');
  const { filter, lastValueFrom } = await import('rxjs');
  const out = await mkdtemp(path.join(tmpdir(), 'cytorx-bench-export-'));
  const client = core.createClient({
    host: info.url,
    publicKey: info.publicKey,
    privateKey: info.privateKey,
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let done;
  try {
    done = await lastValueFrom(
      writers
        .exportProject(client, { project: info.project, out, formats, ...extra })
        .pipe(filter((e) => e.type === 'done')),
    );
    if (!done.summary.complete) throw new Error('export did not complete');
  } finally {
    clearInterval(sampler);
    await client.close();
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await rm(out, { recursive: true, force: true });
  const maxRss = process.resourceUsage().maxRSS * 1024;
  return {
    ms: Math.round(ms),
    annotations: done.summary.annotations,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMb: Math.round(Math.max(peak, maxRss) / MB),
  };
}

async function runOne(label, root, info, server, formats, extra = {}) {
  await reply(server, 'reset', 'reset');
  const args = [root, JSON.stringify(info), JSON.stringify(formats), JSON.stringify(extra)];
  const child = fork(SELF, ['--measure', ...args], {
    stdio: 'inherit',
    execArgv: [],
  });
  const result = await reply(child, undefined, 'result');
  const stats = await reply(server, 'stats', 'stats');
  return {
    label,
    ...result,
    serverCpuMs: stats.cpuMs,
    annotationsPerSecond: Math.round((result.annotations / result.ms) * 1000),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs one scenario: `pairs` times the baseline then this checkout (A B A B), after a warm-up
 * run of each. Returns every run and the ratios.
 */
export async function run(scenario, { pairs = 3, baseline = baselineRoot(), options = {} } = {}) {
  const server = fork(SELF, ['--serve', JSON.stringify(scenario)], { stdio: 'inherit', execArgv: [] });
  try {
    const [info] = await (await import('node:events')).once(server, 'message');
    // Warm-up: the emulator's page caches and the OS file cache, for both engines.
    await runOne('warm-up', baseline, info, server, scenario.formats);
    await runOne('warm-up', REPO, info, server, scenario.formats, options);
    const runs = [];
    for (let i = 0; i < pairs; i++) {
      const a = await runOne('db64686', baseline, info, server, scenario.formats);
      const b = await runOne('this checkout', REPO, info, server, scenario.formats, options);
      runs.push({ a, b, ratio: Math.round((b.annotationsPerSecond / a.annotationsPerSecond) * 100) / 100 });
    }
    return { scenario, info, runs, ratio: median(runs.map((r) => r.ratio)) };
  } finally {
    server.disconnect();
  }
}

const s1 = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** A human-readable report of one scenario. */
export function report(r) {
  const row = (m) =>
    `  ${m.label.padEnd(15)} ${s1(m.ms).padStart(8)} ${String(m.annotationsPerSecond).padStart(8)} ${s1(m.cpuMs).padStart(8)} ${s1(m.serverCpuMs).padStart(8)} ${`${m.peakRssMb} MB`.padStart(8)}`;
  const lines = [
    `${r.scenario.title} (${r.info.annotations} annotations, ${os.availableParallelism()} cores)`,
    `  ${'engine'.padEnd(15)} ${'wall'.padStart(8)} ${'ann/s'.padStart(8)} ${'cpu'.padStart(8)} ${'server'.padStart(8)} ${'peak RSS'.padStart(8)}`,
  ];
  for (const [i, p] of r.runs.entries()) {
    lines.push(row(p.a), row(p.b), `  pair ${i + 1}: ${p.ratio}x`);
  }
  const rss = Math.max(...r.runs.map((p) => p.b.peakRssMb));
  lines.push(
    `  median throughput ratio (this checkout / db64686): ${r.ratio}x; this checkout's peak RSS at most ${rss} MB`,
  );
  lines.push('  cpu = the exporting process, all threads (GC, zlib, fs too); server = the emulator process');
  return lines.join('\n');
}

if (process.argv[2] === '--serve') {
  await serve(JSON.parse(process.argv[3]));
} else if (process.argv[2] === '--measure') {
  const [root, info, formats, extra] = process.argv.slice(3);
  const result = await measure(root, JSON.parse(info), JSON.parse(formats), JSON.parse(extra));
  process.send({ result });
  process.disconnect();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? fallback : process.argv[i + 1];
  };
  const pairs = Number(arg('--pairs', 3));
  const only = arg('--scenario', undefined);
  // Export options for this checkout's runs, e.g. `--options '{"workers":2}'` (default: none).
  const options = JSON.parse(arg('--options', '{}'));
  await mkdir(tmpdir(), { recursive: true });
  const baseline = baselineRoot();
  for (const key of only ? [only] : Object.keys(SCENARIOS)) {
    const r = await run(SCENARIOS[key], {
      pairs: key === '1' ? pairs : Math.min(pairs, 2),
      baseline,
      options,
    });
    console.log(`\nScenario ${key}: ${report(r)}`);
    if (key === '1') {
      const rss = Math.max(...r.runs.map((p) => p.b.peakRssMb));
      console.log(
        `  target (>= 3x, peak RSS <= 300 MB): ${r.ratio >= 3 && rss <= 300 ? 'met' : 'NOT met'} (${r.ratio}x, ${rss} MB)`,
      );
    }
  }
}
