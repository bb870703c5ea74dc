import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import { prepareRoot } from './prepare-root.js';

/** A file being written under a temporary name; becomes visible only on `commit()`. */
export interface AtomicFile {
  /** The final path, relative to the output directory. */
  readonly relPath: string;
  /** The stream to write into (the temporary file). Prefer {@link AtomicFile.write}. */
  readonly stream: WriteStream;
  /**
   * Writes a chunk, waiting for the stream to drain when its buffer is full (backpressure).
   * Rejects after `commit()`/`abort()` or once the stream has failed.
   */
  write(chunk: string | Uint8Array): Promise<void>;
  /**
   * Ends the stream, waits until the file is closed, then renames it to its final name. On
   * failure the temporary file is removed and the error rethrown. Calling it again is a no-op.
   */
  commit(): Promise<void>;
  /** Ends the stream and removes the temporary file. Safe to call twice, and after `commit()` (no-op). */
  abort(): Promise<void>;
}

/**
 * The output directory of a run. Every path given to it is relative, checked to stay inside
 * the directory (also through symbolic links), and every file is written atomically
 * (temporary name in the same folder, then rename), so no half-written file ever sits under
 * a final name.
 */
export interface OutputDir {
  /** Absolute path of the directory. */
  readonly root: string;
  /** Absolute path of `relPath`; throws `CYTORX_CONFIG` if it would leave the directory. */
  resolve(relPath: string): string;
  /** Writes a whole file atomically. Throws `CYTORX_CONFIG` for a path outside the directory. */
  writeFile(relPath: string, data: string | Uint8Array): Promise<void>;
  /** Opens a file for streaming writes; call `commit()` when complete, `abort()` to discard. */
  open(relPath: string): Promise<AtomicFile>;
}

const TMP_SUFFIX = '.cytorx-tmp';
/** Longest file or folder name most file systems accept, in bytes. */
const NAME_MAX = 255;

/**
 * True for the temporary names {@link OutputDir} uses (for clean-up on resume).
 * @param name - A file name or path.
 * @example
 * ```ts
 * import { isTemporaryName } from '@cytorx/writers';
 * isTemporaryName('.1.geojson.0a1b2c3d.cytorx-tmp'); // true
 * ```
 */
export function isTemporaryName(name: string): boolean {
  return name.includes(TMP_SUFFIX);
}

/** True when `child` is `parent` or below it (both absolute and normalised). */
function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/**
 * Makes an {@link OutputDir} rooted at `root` (created if missing).
 *
 * Path checks: a relative path is accepted only if it names something strictly inside the
 * directory after normalisation (`a/../b` is fine, `../b`, `/etc/passwd`, `C:\x`, a NUL byte
 * or a name longer than 255 bytes are refused with `CYTORX_CONFIG`), and the folder a file
 * lands in must resolve (symbolic links followed) inside the directory too. Build names from
 * server data with {@link safeSegment}.
 *
 * @param root - The directory (relative to the working directory, or absolute).
 * @throws ConfigError `CYTORX_CONFIG` when `root` is a file or cannot be created or written to
 *   (the message names the folder and what to do), and from the returned methods for a path
 *   that would leave the directory.
 * @example
 * ```ts
 * import { createOutputDir } from '@cytorx/writers';
 * const out = await createOutputDir('./dataset');
 * await out.writeFile('classes.json', '{}');
 * const f = await out.open('big.json');
 * await f.write('[');
 * await f.write(']');
 * await f.commit(); // only now does dataset/big.json exist
 * ```
 */
export async function createOutputDir(root: string): Promise<OutputDir> {
  const abs = path.resolve(root);
  await prepareRoot(abs, TMP_SUFFIX);
  const realRoot = await realpath(abs);
  /** Folders already checked to resolve inside the root. */
  const checkedDirs = new Set<string>();

  const resolve = (relPath: string): string => {
    if (typeof relPath !== 'string' || relPath === '') {
      throw new ConfigError(`output path must be a non-empty string: ${JSON.stringify(relPath)}`);
    }
    if (relPath.includes('\0')) throw new ConfigError(`output path contains NUL: ${JSON.stringify(relPath)}`);
    if (path.isAbsolute(relPath) || path.win32.isAbsolute(relPath) || /^[a-zA-Z]:/.test(relPath)) {
      throw new ConfigError(`output path must be relative: ${JSON.stringify(relPath)}`);
    }
    const full = path.resolve(abs, relPath);
    const rel = path.relative(abs, full);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new ConfigError(`output path leaves the output directory: ${JSON.stringify(relPath)}`);
    }
    for (const segment of rel.split(path.sep)) {
      if (Buffer.byteLength(segment, 'utf8') > NAME_MAX) {
        throw new ConfigError(
          `output path has a name longer than ${NAME_MAX} bytes: ${JSON.stringify(relPath)}`,
        );
      }
    }
    return full;
  };

  /** Creates the parent folder of `full`, refusing if an existing ancestor links outside the root. */
  const prepareDir = async (full: string, relPath: string): Promise<void> => {
    const dir = path.dirname(full);
    if (checkedDirs.has(dir)) return;
    // Find the deepest folder that already exists and check where it really is, before mkdir
    // creates anything below it (mkdir would follow a planted link).
    let existing = dir;
    while (existing !== abs && !(await exists(existing))) {
      existing = path.dirname(existing);
    }
    const real = await realpath(existing);
    if (!isInside(realRoot, real)) {
      throw new ConfigError(
        `output path leaves the output directory through a link: ${JSON.stringify(relPath)}`,
      );
    }
    await mkdir(dir, { recursive: true });
    const realDir = await realpath(dir);
    if (!isInside(realRoot, realDir)) {
      throw new ConfigError(
        `output path leaves the output directory through a link: ${JSON.stringify(relPath)}`,
      );
    }
    checkedDirs.add(dir);
  };

  const tmpName = (full: string): string => {
    // Keep the temporary name under NAME_MAX even when the final name is long.
    let base = path.basename(full);
    while (Buffer.byteLength(base, 'utf8') > 200) base = base.slice(0, -1);
    return path.join(path.dirname(full), `.${base}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);
  };

  return {
    root: abs,
    resolve,
    async writeFile(relPath, data) {
      const full = resolve(relPath);
      await prepareDir(full, relPath);
      const tmp = tmpName(full);
      try {
        await writeFile(tmp, data, { flag: 'wx' });
        await rename(tmp, full);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async open(relPath) {
      const full = resolve(relPath);
      await prepareDir(full, relPath);
      return openAtomic(relPath, full, tmpName(full));
    },
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function openAtomic(relPath: string, full: string, tmp: string): AtomicFile {
  // 'wx': never follow or reuse an existing file under the temporary name.
  const stream = createWriteStream(tmp, { flags: 'wx' });
  let failure: Error | undefined;
  stream.on('error', (e) => {
    failure ??= e;
  });
  const closed = new Promise<void>((res) => stream.once('close', () => res()));
  let state: 'open' | 'committing' | 'done' = 'open';

  const discard = async (): Promise<void> => {
    if (!stream.destroyed) stream.destroy();
    await closed;
    await rm(tmp, { force: true });
  };

  return {
    relPath,
    stream,
    write(chunk) {
      if (state !== 'open') return Promise.reject(new Error(`${relPath}: write after commit or abort`));
      if (failure) return Promise.reject(failure);
      if (stream.write(chunk)) return Promise.resolve();
      return new Promise<void>((res, rej) => {
        const settle = () => {
          stream.off('drain', settle);
          stream.off('close', settle);
          if (failure) rej(failure);
          else res();
        };
        stream.on('drain', settle);
        stream.on('close', settle);
      });
    },
    async commit() {
      if (state !== 'open') return;
      state = 'committing';
      try {
        if (failure) throw failure;
        stream.end();
        await closed;
        if (failure) throw failure;
        await rename(tmp, full);
        state = 'done';
      } catch (err) {
        state = 'done';
        await discard();
        throw err;
      }
    },
    async abort() {
      if (state !== 'open') return;
      state = 'done';
      await discard();
    },
  };
}
