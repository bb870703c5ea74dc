// `pnpm bench [name ...]`: runs each benchmark in its own Node process (so peak RSS figures
// are per benchmark), one after another, and prints their reports. Every benchmark measures
// its baseline in the same run and prints ratios against it. Names: listing, raster, export,
// upload, emulator, ome-zarr, vectorize, overview (default: all that exist).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = ['listing', 'raster', 'export', 'upload', 'emulator', 'ome-zarr', 'vectorize', 'overview'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = (wanted.length > 0 ? wanted : all).filter((n) => existsSync(path.join(dir, `${n}.mjs`)));
let failed = 0;
for (const name of names) {
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(dir, `${name}.mjs`)], { stdio: 'inherit' });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`=== ${name}: FAILED (exit ${r.status ?? r.signal}) after ${secs} s ===\n`);
  } else {
    process.stdout.write(`=== ${name}: done in ${secs} s ===\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
