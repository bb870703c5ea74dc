// Benchmark: how much the emulator itself costs per request, so that client benchmarks measure
// the client. Lists 50,000 annotations of one image in pages of 1000 (one page after another),
// twice (the emulator caches listings), and renders 10 image windows of 1024x1024 (PNG, the same
// PNGs again, JPEG). The emulator runs in this process;
// the client is plain fetch with HMAC signing done here (no @cytorx/core). Needs the built
// packages: `pnpm exec tsc -b`, then `node bench/emulator.mjs`.
import { createHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../packages/emulator/dist/index.js';

/** A GET signed in `hmac` mode (cytomine-api.md §1.1). */
function signedGet(emu, pathAndQuery) {
  const date = new Date().toUTCString();
  const signature = createHmac('sha1', emu.privateKey)
    .update(`GET\n\n\n${date}\n${pathAndQuery}`, 'utf8')
    .digest('base64');
  return fetch(emu.url + pathAndQuery, {
    headers: { date, authorization: `CYTOMINE ${emu.publicKey}:${signature}` },
  });
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** CPU ms (user + system) of this process since `start`. */
const cpuMs = (start) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};

async function listAll(emu, image, pageSize, annotations) {
  const pageMs = [];
  let offset = 0;
  let lastId = Number.POSITIVE_INFINITY;
  let count = 0;
  let bytes = 0;
  let parseMs = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (;;) {
    const t = performance.now();
    const r = await signedGet(
      emu,
      `/api/annotation.json?image=${image}&showMeta=true&showWKT=true&showTerm=true&max=${pageSize}&offset=${offset}`,
    );
    if (r.status !== 200) throw new Error(`page at ${offset}: HTTP ${r.status}`);
    const text = await r.text();
    bytes += text.length;
    const parsed = performance.now();
    const page = JSON.parse(text);
    parseMs += performance.now() - parsed;
    pageMs.push(performance.now() - t);
    for (const a of page.collection) {
      if (a.id >= lastId) throw new Error('annotations out of order');
      if (typeof a.location !== 'string') throw new Error('no location');
      lastId = a.id;
      count++;
    }
    offset += page.collection.length;
    if (page.collection.length === 0 || offset >= page.size) break;
  }
  const ms = performance.now() - started;
  if (count !== annotations) throw new Error(`listed ${count} annotations, expected ${annotations}`);
  const sorted = [...pageMs].sort((a, b) => a - b);
  return {
    pages: pageMs.length,
    ms: Math.round(ms),
    cpuMs: Math.round(cpuMs(cpu)),
    clientParseMs: Math.round(parseMs),
    firstPageMs: round(pageMs[0]),
    medianPageMs: round(sorted[Math.floor(sorted.length / 2)]),
    perSecond: Math.round((count / ms) * 1000),
    mbytes: round(bytes / 1e6),
  };
}

async function windows(emu, image, count, side, format, shift = 0) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  for (let k = 0; k < count; k++) {
    const x = (shift + k * 97) % (image.width - side);
    const y = (shift + k * 53) % (image.height - side);
    const r = await signedGet(
      emu,
      `/api/imageinstance/${image.id}/window-${x}-${y}-${side}-${side}.${format}`,
    );
    if (r.status !== 200) throw new Error(`window ${k}: HTTP ${r.status}`);
    bytes += (await r.arrayBuffer()).byteLength;
  }
  const ms = performance.now() - started;
  return {
    format,
    windows: count,
    side,
    ms: Math.round(ms),
    cpuMs: Math.round(cpuMs(cpu)),
    perWindowMs: round(ms / count),
    kbytesPerWindow: Math.round(bytes / count / 1000),
  };
}

/**
 * Measures the emulator's own cost: a paged annotation listing and image windows.
 * @param {object} [options]
 * @param {number} [options.annotations=50000] annotations on the listed image
 * @param {number} [options.pageSize=1000] `max` of each page
 * @param {number} [options.windows=10] windows rendered per format
 * @param {number} [options.windowSide=1024] window width and height in px
 * @returns {Promise<object>} listing and window figures (wall ms, process CPU ms)
 */
export async function run(options = {}) {
  const { annotations = 50_000, pageSize = 1000, windows: windowCount = 10, windowSide = 1024 } = options;
  const generated = performance.now();
  const emu = await startEmulator({
    dataset: {
      seed: 42,
      projects: 1,
      imagesPerProject: 1,
      annotationsPerImage: annotations,
      imageSize: { width: 8192, height: 8192 },
    },
  });
  const generateMs = Math.round(performance.now() - generated);
  try {
    const image = emu.dataset.images[0];
    // First listing on a fresh emulator (its caches empty), then the same listing again.
    const cold = await listAll(emu, image.id, pageSize, annotations);
    const warm = await listAll(emu, image.id, pageSize, annotations);
    await windows(emu, image, 2, windowSide, 'png', 1000); // warm-up (other regions)
    const png = await windows(emu, image, windowCount, windowSide, 'png');
    const pngAgain = await windows(emu, image, windowCount, windowSide, 'png');
    const jpg = await windows(emu, image, windowCount, windowSide, 'jpg');
    return { annotations, pageSize, generateMs, cold, warm, png, pngAgain, jpg };
  } finally {
    await emu.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run();
  console.log(`emulator, ${r.annotations} annotations on one image (generated in ${r.generateMs} ms):`);
  for (const [name, l] of [
    ['first listing', r.cold],
    ['same listing again', r.warm],
  ]) {
    console.log(
      `  ${name}, pages of ${r.pageSize} one after another: ${l.ms} ms for ${l.pages} pages ` +
        `(${l.perSecond} annotations/s, ${l.cpuMs} ms CPU of which ${l.clientParseMs} ms JSON.parse in the client, ` +
        `first page ${l.firstPageMs} ms, median page ${l.medianPageMs} ms, ${l.mbytes} MB)`,
    );
  }
  for (const [name, w] of [
    ['', r.png],
    [' (the same again)', r.pngAgain],
    ['', r.jpg],
  ]) {
    console.log(
      `  ${w.windows} windows ${w.side}x${w.side} ${w.format}${name}: ${w.ms} ms ` +
        `(${w.perWindowMs} ms each, ${w.cpuMs} ms CPU, ${w.kbytesPerWindow} kB each)`,
    );
  }
}
