import { ConfigError } from '@cytorx/core';
import type { Writer, WriterFactory } from './writer.js';

/**
 * Types a writer factory: returns `factory` unchanged, checking at compile time that it takes
 * its (data-only) options object and returns a {@link Writer}. Use it as the default export
 * of a third-party writer module so `--writer ./my-writer.js` can load it.
 *
 * @param factory - `(options?) => Writer`. Options arrive parsed from the command line
 *   (`key=value` or JSON), so validate them.
 * @example
 * ```ts
 * import { defineWriter } from '@cytorx/writers';
 * export default defineWriter<{ dir?: string }>((options = {}) => {
 *   let items = 0;
 *   return {
 *     name: 'count',
 *     write(batch) { items += batch.features.length; },
 *     close() { return { writer: 'count', files: [], items, warnings: 0 }; },
 *   };
 * });
 * ```
 */
export function defineWriter<Options extends object = Record<string, unknown>>(
  factory: (options?: Options) => Writer,
): WriterFactory<Options> {
  return factory;
}

/**
 * Throws unless `value` has the shape of a {@link Writer}: a non-empty `name`, `write` and
 * `close` functions, and `open` absent or a function. `source` names where it came from.
 * @internal
 */
export function assertWriter(value: unknown, source: string): asserts value is Writer {
  const problem = writerProblem(value);
  if (problem !== undefined) throw new ConfigError(`${source} is not a writer: ${problem}`);
}

function writerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected an object, got ${describe(value)}`;
  const w = value as Record<string, unknown>;
  if (typeof w.name !== 'string' || w.name === '') return 'missing a non-empty string "name"';
  if (typeof w.write !== 'function') return `"${w.name}" has no write() function`;
  if (typeof w.close !== 'function') return `"${w.name}" has no close() function`;
  if (w.open !== undefined && typeof w.open !== 'function')
    return `"${w.name}" has an "open" that is not a function`;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function')
    return 'a function (did you export the factory result instead of calling it?)';
  return typeof value;
}
