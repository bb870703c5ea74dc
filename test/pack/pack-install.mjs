// The packages as a user gets them: packs every publishable package with `pnpm pack` (which
// turns `workspace:*` into the version), checks each tarball's manifest and files, installs the
// tarballs with npm into a new empty project (third-party dependencies from the registry),
// type-checks the README's "From code" pipeline (examples/compose-pipeline/src/export-dataset.ts)
// and a custom writer there under strict settings (NodeNext, and bundler resolution), runs them
// against @cytorx/emulator and compares with `cytorx export` (test/pack/consumer/check.ts), then
// runs `npx cytorx --version` and `npx cytorx demo` from the installed tarball.
// Usage: `pnpm test:pack` (builds first). CI runs it from .ci/run. KEEP=1 keeps the temp folder.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['core', 'writers', 'emulator', 'cli'];
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const started = performance.now();

/** Runs a command; resolves with its stdout, rejects with everything it printed. */
function run(file, args, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')} (in ${cwd}) failed:\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

function check(condition, message) {
  if (!condition) throw new Error(`pack-install: ${message}`);
}

function step(message) {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

/** Checks the packed manifest and file list of one package. */
async function checkTarball(name, tarball) {
  const manifestText = await run('tar', ['-xzOf', tarball, 'package/package.json'], ROOT);
  const manifest = JSON.parse(manifestText);
  const files = (await run('tar', ['-tzf', tarball], ROOT)).trim().split('\n');
  check(!manifestText.includes('workspace:'), `${name}: a workspace: range is left in package.json`);
  check(manifest.private !== true, `${name}: private`);
  check(manifest.license === 'MIT', `${name}: no license`);
  check(manifest.repository?.url !== undefined, `${name}: no repository`);
  const entry = manifest.exports?.['.'];
  check(Object.keys(entry ?? {})[0] === 'types', `${name}: exports["."] does not start with "types"`);
  check(!JSON.stringify(manifest.exports).includes('/src/'), `${name}: exports point into src/`);
  check(manifest.types === './dist/index.d.ts', `${name}: no top-level "types" (older resolvers)`);
  for (const f of [
    'package/LICENSE',
    'package/README.md',
    'package/dist/index.js',
    'package/dist/index.d.ts',
  ]) {
    check(files.includes(f), `${name}: ${f} is not in the tarball`);
  }
  check(
    !files.some((f) => f.includes('tsbuildinfo') || /\/test\//.test(f)),
    `${name}: build info or tests packed`,
  );
  if (name === '@cytorx/cli') {
    check(manifest.bin?.cytorx === './dist/cli.js', `${name}: no cytorx bin`);
    check(files.includes('package/dist/cli.js'), `${name}: dist/cli.js missing`);
  }
  return { name, version: manifest.version, files: files.length };
}

const work = await mkdtemp(path.join(tmpdir(), 'cytorx-pack-'));
try {
  const tarballs = path.join(work, 'tarballs');
  await mkdir(tarballs);
  const packed = [];
  for (const dir of PACKAGES) {
    const cwd = path.join(ROOT, 'packages', dir);
    const { name } = JSON.parse(await readFile(path.join(cwd, 'package.json'), 'utf8'));
    const before = new Set(await readdir(tarballs));
    await run('pnpm', ['pack', '--pack-destination', tarballs], cwd);
    const tgz = (await readdir(tarballs)).find((f) => !before.has(f));
    check(tgz !== undefined, `pnpm pack wrote no tarball for ${name}`);
    packed.push({ ...(await checkTarball(name, path.join(tarballs, tgz))), tgz: path.join(tarballs, tgz) });
  }
  step(`packed ${packed.map((p) => `${p.name}@${p.version} (${p.files} files)`).join(', ')}`);

  const project = path.join(work, 'project');
  await mkdir(path.join(project, 'src'), { recursive: true });
  await writeFile(
    path.join(project, 'package.json'),
    `${JSON.stringify({ name: 'cytorx-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  const consumer = path.join(ROOT, 'test', 'pack', 'consumer');
  await copyFile(path.join(consumer, 'tsconfig.json'), path.join(project, 'tsconfig.json'));
  for (const f of ['check.ts', 'centroid-writer.ts']) {
    await copyFile(path.join(consumer, f), path.join(project, 'src', f));
  }
  await copyFile(
    path.join(ROOT, 'examples', 'compose-pipeline', 'src', 'export-dataset.ts'),
    path.join(project, 'src', 'export-dataset.ts'),
  );
  const types = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).devDependencies[
    '@types/node'
  ];
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', ...packed.map((p) => p.tgz), `@types/node@${types}`],
    project,
  );
  step('installed the tarballs with npm');

  await run(TSC, ['-p', 'tsconfig.json'], project);
  await run(
    TSC,
    ['-p', 'tsconfig.json', '--noEmit', '--module', 'preserve', '--moduleResolution', 'bundler'],
    project,
  );
  step('type-checked the README pipeline and a custom writer (strict; NodeNext and bundler resolution)');

  step((await run(process.execPath, ['dist/check.js'], project)).trim());

  const cli = packed.find((p) => p.name === '@cytorx/cli');
  const version = (await run('npx', ['cytorx', '--version'], project)).trim();
  check(version === cli.version, `npx cytorx --version printed "${version}", expected ${cli.version}`);
  const demo = await run('npx', ['cytorx', 'demo'], project, { CI: 'true' });
  check(/export complete/.test(demo), `cytorx demo printed no summary:\n${demo}`);
  const written = await readdir(path.join(project, 'demo-out'));
  for (const f of ['classes.json', 'coco', 'geojson', 'masks', 'report.json']) {
    check(written.includes(f), `cytorx demo wrote no ${f} (got ${written.join(', ')})`);
  }
  step(`npx cytorx --version: ${version}; npx cytorx demo: ${written.length} entries in demo-out`);
  console.log('pack-install: ok');
} finally {
  if (process.env.KEEP === '1') console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
