import { lstat, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import type { OutputDir } from '../fs/output-dir.js';

/**
 * Removes `rel` (a file or folder inside the output directory) with everything under it; does
 * nothing when it is absent. Links below it are removed, never followed, and a folder on the
 * way that links out of the output directory is refused. @internal
 * @throws {ConfigError} `CYTORX_CONFIG` when `rel` leaves the output directory.
 */
export async function removeInside(out: OutputDir, rel: string): Promise<void> {
  const full = out.resolve(rel);
  try {
    await lstat(full);
  } catch {
    return;
  }
  const [root, parent] = await Promise.all([realpath(out.root), realpath(path.dirname(full))]);
  if (parent !== root && !parent.startsWith(root + path.sep)) {
    throw new ConfigError(`output path leaves the output directory through a link: ${JSON.stringify(rel)}`);
  }
  await rm(full, { recursive: true, force: true });
}
