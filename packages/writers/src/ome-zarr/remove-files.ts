import { lstat, readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import type { OutputDir } from '../fs/output-dir.js';

/**
 * Removes every file (and link, never followed) under the folder `rel` of the output directory,
 * keeping the folders themselves: an {@link OutputDir} remembers the folders it has created, so
 * they must stay for its next writes. Does nothing when `rel` is absent. @internal
 * @throws {ConfigError} `CYTORX_CONFIG` when `rel` leaves the output directory, also through a link.
 */
export async function removeFiles(out: OutputDir, rel: string): Promise<void> {
  const full = out.resolve(rel);
  const stat = await lstat(full).catch(() => undefined);
  if (stat === undefined) return;
  const [root, real] = await Promise.all([realpath(out.root), realpath(full)]);
  if (!stat.isDirectory() || !real.startsWith(root + path.sep)) {
    throw new ConfigError(`${JSON.stringify(rel)} is not a folder inside the output directory`);
  }
  const entries = await readdir(full, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries.filter((e) => !e.isDirectory()).map((e) => rm(path.join(e.parentPath, e.name), { force: true })),
  );
}
