#!/usr/bin/env node
// Makes the README's screenshot of the demo's overview page (docs/overview.png):
//   pnpm build && node scripts/overview-screenshot.mjs [OUT.png]
// Runs `cytorx demo` into a temporary folder (the embedded emulator, offline), opens the
// overview.html it prints last in Debian's chromium (headless, fresh profile) and captures
// the top of the page. Needs /usr/bin/chromium (apt-get install chromium) or CYTORX_CHROMIUM.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

/**
 * An 8-bit palette PNG of an RGBA image, to keep the committed picture small: a 6x6x6 colour
 * cube plus 40 greys (text antialiasing stays smooth; the synthetic slides' noise costs one
 * byte a pixel instead of three).
 */
function palettePng({ width, height, data }) {
  const palette = Buffer.alloc(256 * 3);
  for (let i = 0; i < 216; i++) {
    palette[3 * i] = Math.floor(i / 36) * 51;
    palette[3 * i + 1] = (Math.floor(i / 6) % 6) * 51;
    palette[3 * i + 2] = (i % 6) * 51;
  }
  for (let k = 0; k < 40; k++) palette.fill(Math.round((k * 255) / 39), 3 * (216 + k), 3 * (217 + k));
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 4 * (y * width + x);
      const [r, g, b] = [data[o], data[o + 1], data[o + 2]];
      const grey = Math.max(r, g, b) - Math.min(r, g, b) < 12;
      raw[y * (width + 1) + 1 + x] = grey
        ? 216 + Math.round((((r + g + b) / 3) * 39) / 255)
        : Math.round(r / 51) * 36 + Math.round(g / 51) * 6 + Math.round(b / 51);
    }
  }
  const chunk = (type, body) => {
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    out.write(type, 4, 'latin1');
    body.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 3; // indexed colour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', palette),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'overview.png'));
const work = await mkdtemp(path.join(tmpdir(), 'cytorx-screenshot-'));
try {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(root, 'packages', 'cli', 'dist', 'cli.js'), 'demo', '--out', path.join(work, 'demo-out')],
    { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work } },
  );
  const html = stdout.trim().split('\n').at(-1);
  if (!html?.endsWith('overview.html'))
    throw new Error(`cytorx demo did not print overview.html last:\n${stdout}`);
  const context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: process.env.CYTORX_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1000, height: 820 },
  });
  try {
    const page = await context.newPage();
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    // Server, dates and ports change on every run: show stable text in the picture.
    await page.evaluate(() => {
      for (const dd of document.querySelectorAll('.facts dd')) {
        const dt = dd.previousElementSibling?.textContent;
        if (dt === 'server') dd.textContent = 'http://127.0.0.1 (embedded emulator)';
        if (dt === 'exported' || dt === 'overview built') dd.textContent = dd.textContent.slice(0, 10);
      }
    });
    const shot = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width: 1000, height: 820 } }));
    await writeFile(target, palettePng(shot));
  } finally {
    await context.close();
  }
  process.stdout.write(`${target}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
