// vitest globalSetup: builds the workspace (`tsc -b`, incremental) so the tests that need the
// compiled packages (child-process runs of packages/cli/dist/cli.js, worker threads, the examples)
// find them. Skipped under `pnpm test`, whose script ran `tsc -b` just before `vitest run`, and
// when CYTORX_SKIP_BUILD=1.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export default async function setup(): Promise<void> {
  if (process.env.CYTORX_SKIP_BUILD === '1' || process.env.npm_lifecycle_event === 'test') return;
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  try {
    await promisify(execFile)(tsc, ['-b'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    // tsc emits even with type errors (exit code 2); type errors are reported by `pnpm test`'s
    // own `tsc -b` step. Only a missing binary is fatal here.
    const out = (err as { stdout?: string }).stdout ?? String(err);
    if (!existsSync(join(root, 'packages', 'cli', 'dist', 'cli.js'))) {
      throw new Error(`tsc -b did not produce packages/cli/dist/cli.js:\n${out.slice(0, 4000)}`);
    }
    process.stderr.write(
      `global-setup: tsc -b reported errors (tests still run on the emitted code):\n${out.slice(0, 2000)}\n`,
    );
  }
}
