import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';

/** A file being written under a temporary name; becomes visible only on `commit()`. */
export interface AtomicFile {
  /** The final path, relative to the output directory. */
  readonly relPath: string;
  /** The stream to write into (the temporary file). */
  readonly stream: WriteStream;
  /** Writes a chunk, waiting for the stream to drain when its buffer is full. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends the stream, fsyncs nothing, renames to the final name. */
  commit(): Promise<void>;
  /** Ends the stream and removes the temporary file. Safe to call twice. */
  abort(): Promise<void>;
}

/**
 * The output directory of a run. Every path given to it is relative, checked to stay inside
 * the directory, and every file is written atomically (temporary name in the same folder,
 * then rename), so no half-written file ever sits under a final name.
 */
export interface OutputDir {
  /** Absolute path of the directory. */
  readonly root: string;
  /** Absolute path of `relPath`; throws `CYTORX_CONFIG` if it would leave the directory. */
  resolve(relPath: string): string;
  /** Writes a whole file atomically. */
  writeFile(relPath: string, data: string | Uint8Array): Promise<void>;
  /** Opens a file for streaming writes; call `commit()` when complete. */
  open(relPath: string): Promise<AtomicFile>;
}

const TMP_SUFFIX = '.cytorx-tmp';

/** True for the temporary names {@link OutputDir} uses (for clean-up on resume). */
export function isTemporaryName(name: string): boolean {
  return name.includes(TMP_SUFFIX);
}

/**
 * Makes an {@link OutputDir} rooted at `root` (created if missing).
 * @example
 * ```ts
 * import { createOutputDir } from '@cytorx/writers';
 * const out = await createOutputDir('./dataset');
 * await out.writeFile('classes.json', '{}');
 * ```
 */
export async function createOutputDir(root: string): Promise<OutputDir> {
  const abs = path.resolve(root);
  await mkdir(abs, { recursive: true });

  const resolve = (relPath: string): string => {
    if (relPath.includes('\0')) throw new ConfigError(`output path contains NUL: ${JSON.stringify(relPath)}`);
    if (path.isAbsolute(relPath)) throw new ConfigError(`output path must be relative: ${relPath}`);
    const full = path.resolve(abs, relPath);
    const rel = path.relative(abs, full);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new ConfigError(`output path leaves the output directory: ${relPath}`);
    }
    return full;
  };

  const tmpName = (full: string): string =>
    path.join(path.dirname(full), `.${path.basename(full)}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);

  return {
    root: abs,
    resolve,
    async writeFile(relPath, data) {
      const full = resolve(relPath);
      await mkdir(path.dirname(full), { recursive: true });
      const tmp = tmpName(full);
      try {
        await writeFile(tmp, data);
        await rename(tmp, full);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async open(relPath) {
      const full = resolve(relPath);
      await mkdir(path.dirname(full), { recursive: true });
      const tmp = tmpName(full);
      const stream = createWriteStream(tmp);
      let failure: Error | undefined;
      stream.on('error', (e) => {
        failure = e;
      });
      let done = false;
      const end = () =>
        new Promise<void>((res, rej) => {
          if (stream.closed || stream.destroyed) return failure ? rej(failure) : res();
          stream.end(() => (failure ? rej(failure) : res()));
        });
      return {
        relPath,
        stream,
        write(chunk) {
          if (failure) return Promise.reject(failure);
          if (stream.write(chunk)) return Promise.resolve();
          return new Promise<void>((res, rej) => {
            const onDrain = () => {
              stream.off('error', onError);
              res();
            };
            const onError = (e: Error) => {
              stream.off('drain', onDrain);
              rej(e);
            };
            stream.once('drain', onDrain);
            stream.once('error', onError);
          });
        },
        async commit() {
          if (done) return;
          done = true;
          await end();
          await rename(tmp, full);
        },
        async abort() {
          if (done) return;
          done = true;
          stream.destroy();
          await rm(tmp, { force: true });
        },
      };
    },
  };
}
