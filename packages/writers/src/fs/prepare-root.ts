import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';

/**
 * Creates the output folder `abs` if missing and checks that files can be written in it (a
 * probe file, created then removed), so a run fails before any work with a message naming the
 * folder, what is wrong and what to do, instead of a raw `EEXIST`/`EACCES` later.
 * @param abs - absolute path of the output folder.
 * @param probeSuffix - suffix of temporary names (the probe is one, so `isTemporaryName` knows it).
 * @throws ConfigError `CYTORX_CONFIG` when the path (or one of its parents) is a file, or the
 *   folder cannot be created or written to; the original error is the `cause`.
 * @internal
 */
export async function prepareRoot(abs: string, probeSuffix: string): Promise<void> {
  try {
    await mkdir(abs, { recursive: true });
  } catch (err) {
    throw folderError(abs, err, 'create');
  }
  const probe = path.join(abs, `.cytorx-probe-${randomBytes(4).toString('hex')}${probeSuffix}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw folderError(abs, err, 'write in');
  } finally {
    await rm(probe, { force: true });
  }
}

function folderError(abs: string, err: unknown, action: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return new ConfigError(
        `output folder ${abs} is a file (or inside one), not a folder: choose another output folder, or move the file away`,
        { cause: err },
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ConfigError(
        `output folder ${abs}: permission denied to ${action} it (${code}): choose a folder you can write to, or fix its permissions (e.g. chmod u+w)`,
        { cause: err },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new ConfigError(
        `output folder ${abs}: no space left (${code}): free some space or choose another disk`,
        {
          cause: err,
        },
      );
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
