import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@cytorx/core';
import { assertWriter } from '../define-writer.js';
import type { Writer, WriterFactory } from '../writer.js';
import { BUILTIN_WRITERS } from './builtin-writers.js';
import { parseWriterOptions, type WriterOptionsInput } from './parse-writer-options.js';

/** Options of {@link resolveWriter} and {@link loadWriterFactory}. */
export interface ResolveWriterOptions {
  /** Directory module paths and package names are resolved from. Default `process.cwd()`. */
  cwd?: string;
  /** Built-in writers by name. Default: `geojson`, `mask`, `coco`, `ome-zarr`. */
  builtins?: Readonly<Record<string, WriterFactory<never>>>;
}

// biome-ignore lint/suspicious/noExplicitAny: factories of any options type are accepted here.
type AnyFactory = (options?: any) => unknown;

const PACKAGE_NAME = /^(?:@[a-z0-9~][\w.~-]*\/)?[a-z0-9~][\w.~-]*(?:\/[\w.~/-]+)?$/i;

/**
 * The names of the built-in writers (`geojson`, `mask`, `coco`, `ome-zarr`).
 * @example
 * ```ts
 * import { builtinWriterNames } from '@cytorx/writers';
 * builtinWriterNames(); // ['coco', 'geojson', 'mask', 'ome-zarr']
 * ```
 */
export function builtinWriterNames(): string[] {
  return Object.keys(BUILTIN_WRITERS).sort();
}

/**
 * Finds a writer factory from a user's `--writer` value, without calling it:
 * 1. a built-in name (`geojson`, `mask`, `coco`, `ome-zarr`);
 * 2. a module path: starts with `./`, `../`, `/`, a drive letter or `file:`, or is an existing
 *    `.js`/`.mjs`/`.cjs` file relative to `cwd`;
 * 3. a package name (`cytorx-writer-yolo`, `@lab/writer`, with an optional subpath), resolved
 *    from `cwd`'s `node_modules` (ESM-only packages included).
 *
 * The module is loaded with `import()`. Its factory is the default export, else a named export
 * `writer` or `createWriter`. A default export that is already a writer object is accepted.
 *
 * @param spec - The name, path or package.
 * @param options - `cwd` (default `process.cwd()`), `builtins` (default the built-ins).
 * @throws ConfigError `CYTORX_CONFIG` when nothing matches, the module fails to load, or it exports no factory.
 * @example
 * ```ts
 * import { loadWriterFactory } from '@cytorx/writers';
 * const factory = await loadWriterFactory('./examples/yolo-writer/index.js');
 * ```
 */
export async function loadWriterFactory(
  spec: string,
  options: ResolveWriterOptions = {},
): Promise<AnyFactory> {
  const builtins = (options.builtins ?? BUILTIN_WRITERS) as Readonly<Record<string, AnyFactory>>;
  if (typeof spec !== 'string' || spec.trim() === '') throw new ConfigError('writer name or path is empty');
  if (Object.hasOwn(builtins, spec)) return builtins[spec]!;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const url = moduleUrl(spec, cwd, Object.keys(builtins));
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`writer module "${spec}" failed to load: ${(e as Error).message ?? String(e)}`, {
      cause: e,
    });
  }
  const factory = pickFactory(mod);
  if (factory === undefined) {
    throw new ConfigError(
      `writer module "${spec}" exports no writer factory: export default defineWriter(...) or a named "writer"/"createWriter" function`,
    );
  }
  return factory;
}

/**
 * Resolves `spec` with {@link loadWriterFactory}, parses `options` as data with
 * {@link parseWriterOptions}, calls the factory and checks that it returned a writer
 * (`name`, `write()`, `close()`).
 *
 * @param spec - Built-in name, module path or package name.
 * @param options - Writer options: an object, a JSON object string, or `key=value` strings. Never evaluated.
 * @param resolveOptions - `cwd` and `builtins`, see {@link ResolveWriterOptions}.
 * @throws ConfigError `CYTORX_CONFIG` for an unknown writer, a module that fails to load or has no
 *   factory, malformed options, a factory that throws, or a result that is not a writer.
 * @example
 * ```ts
 * import { resolveWriter } from '@cytorx/writers';
 * const geo = await resolveWriter('geojson', 'flavor=qupath');
 * const yolo = await resolveWriter('./examples/yolo-writer/index.js', { names: ['tumor', 'stroma'] });
 * ```
 */
export async function resolveWriter(
  spec: string,
  options?: WriterOptionsInput,
  resolveOptions: ResolveWriterOptions = {},
): Promise<Writer> {
  const parsed = parseWriterOptions(options);
  const factory = await loadWriterFactory(spec, resolveOptions);
  let writer: unknown;
  if (typeof factory === 'function') {
    try {
      writer = factory(parsed);
    } catch (e) {
      if (e instanceof Error && 'code' in e && e.code === 'CYTORX_CONFIG') throw e;
      throw new ConfigError(`writer "${spec}" rejected its options: ${(e as Error).message ?? String(e)}`, {
        cause: e,
      });
    }
  } else {
    if (Object.keys(parsed).length > 0) {
      throw new ConfigError(`writer "${spec}" exports a writer object, which takes no options`);
    }
    writer = factory;
  }
  assertWriter(writer, `the writer made by "${spec}"`);
  return writer;
}

function pickFactory(mod: Record<string, unknown>): AnyFactory | undefined {
  const candidates: unknown[] = [mod.default, mod.writer, mod.createWriter];
  // CommonJS modules imported from ESM: module.exports is the default export.
  const d = mod.default;
  if (typeof d === 'object' && d !== null) {
    const cjs = d as Record<string, unknown>;
    if (typeof cjs.write !== 'function') candidates.splice(1, 0, cjs.default, cjs.writer, cjs.createWriter);
  }
  for (const c of candidates) {
    if (typeof c === 'function') return c as AnyFactory;
    if (typeof c === 'object' && c !== null && typeof (c as { write?: unknown }).write === 'function') {
      return c as unknown as AnyFactory;
    }
  }
  return undefined;
}

function moduleUrl(spec: string, cwd: string, builtins: string[]): string {
  if (spec.startsWith('file:')) return spec;
  const isPath =
    spec.startsWith('./') ||
    spec.startsWith('../') ||
    spec.startsWith('.\\') ||
    spec.startsWith('..\\') ||
    path.isAbsolute(spec) ||
    /^[a-zA-Z]:[\\/]/.test(spec) ||
    (/\.[cm]?js$/.test(spec) && existsSync(path.resolve(cwd, spec)));
  if (isPath) {
    const file = path.resolve(cwd, spec);
    if (!existsSync(file)) throw new ConfigError(`writer module not found: ${file}`);
    return pathToFileURL(file).href;
  }
  if (PACKAGE_NAME.test(spec)) return pathToFileURL(resolvePackage(spec, cwd)).href;
  throw new ConfigError(
    `unknown writer "${spec}": not a built-in (${builtins.join(', ')}), a module path (./my-writer.js) or a package name`,
  );
}

/** Resolves a package specifier from `cwd`, falling back to reading `exports` for ESM-only packages. */
function resolvePackage(spec: string, cwd: string): string {
  try {
    return createRequire(path.join(cwd, '__cytorx_resolve__.js')).resolve(spec);
  } catch {
    // ESM-only ("exports" with an "import" condition only) or not installed: look ourselves.
  }
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    const pkgFile = path.join(pkgDir, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
      const entry = esmEntry(pkg, subpath);
      if (entry === undefined) throw new ConfigError(`package "${name}" does not export "${subpath}"`);
      return path.join(pkgDir, entry);
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new ConfigError(`writer package "${spec}" is not installed (looked in node_modules from ${cwd} up)`);
}

function esmEntry(pkg: Record<string, unknown>, subpath: string): string | undefined {
  const exp = pkg.exports;
  if (exp === undefined || exp === null) {
    if (subpath !== '.') return subpath;
    return typeof pkg.module === 'string' ? pkg.module : typeof pkg.main === 'string' ? pkg.main : 'index.js';
  }
  if (typeof exp === 'string' || Array.isArray(exp)) return subpath === '.' ? pickTarget(exp) : undefined;
  const map = exp as Record<string, unknown>;
  const isSubpathMap = Object.keys(map).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? pickTarget(map) : undefined;
  return pickTarget(map[subpath]);
}

function pickTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pickTarget(t);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    const conditions = target as Record<string, unknown>;
    for (const c of ['import', 'node', 'default']) {
      if (c in conditions) {
        const r = pickTarget(conditions[c]);
        if (r !== undefined) return r;
      }
    }
  }
  return undefined;
}
