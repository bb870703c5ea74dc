import { ConfigError } from '@cytorx/core';

/** Writer options as given by a user: an object, a JSON object string, or `key=value` strings. */
export type WriterOptionsInput = Readonly<Record<string, unknown>> | string | readonly string[] | undefined;

const KEY = /^[A-Za-z_$][\w$-]*$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Parses writer options as data, never as code: `undefined` gives `{}`; an object is checked and
 * copied; a string starting with `{` is parsed as JSON; otherwise strings are `key=value`
 * pairs (several per string separated by commas before the next `key=`, or one per array
 * element). A value is parsed as JSON when it is valid JSON (`3`, `true`, `null`, `[1,2]`,
 * `"text"`), as an array of numbers when it is a comma list of numbers (`0.8,0.1,0.1`), and is
 * a string otherwise. Keys `__proto__`, `constructor` and `prototype` are refused at any depth.
 *
 * @param input - See {@link WriterOptionsInput}.
 * @returns A plain object.
 * @throws ConfigError `CYTORX_CONFIG` for malformed JSON, a pair without `=`, a bad or forbidden key, or a repeated key.
 * @example
 * ```ts
 * import { parseWriterOptions } from '@cytorx/writers';
 * parseWriterOptions('flavor=qupath,split=0.8,0.1,0.1'); // { flavor: 'qupath', split: [0.8, 0.1, 0.1] }
 * parseWriterOptions('{"seed": 7}'); // { seed: 7 }
 * ```
 */
export function parseWriterOptions(input: WriterOptionsInput): Record<string, unknown> {
  if (input === undefined) return {};
  if (typeof input === 'string') return parseString(input);
  if (Array.isArray(input)) {
    const out: Record<string, unknown> = {};
    for (const part of input as readonly unknown[]) {
      if (typeof part !== 'string') throw new ConfigError('writer options: expected strings like key=value');
      merge(out, parseString(part));
    }
    return out;
  }
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError(`writer options must be an object or key=value strings, got ${typeof input}`);
  }
  return checkData(input, 'options') as Record<string, unknown>;
}

function parseString(text: string): Record<string, unknown> {
  const s = text.trim();
  if (s === '') return {};
  if (s.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch (e) {
      throw new ConfigError(`writer options are not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('writer options JSON must be an object');
    }
    return checkData(parsed, 'options') as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const pair of s.split(/,(?=\s*[A-Za-z_$][\w$-]*\s*=)/)) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new ConfigError(`writer option "${pair.trim()}" is not key=value`);
    const key = pair.slice(0, eq).trim();
    checkKey(key);
    if (Object.hasOwn(out, key)) throw new ConfigError(`writer option "${key}" is given twice`);
    out[key] = parseValue(pair.slice(eq + 1).trim());
  }
  return out;
}

function parseValue(raw: string): unknown {
  if (raw.includes(',') && raw.split(',').every((p) => NUMBER.test(p.trim()))) {
    return raw.split(',').map((p) => Number(p.trim()));
  }
  if (/^[-\d[{"]|^(true|false|null)$/.test(raw)) {
    try {
      return checkData(JSON.parse(raw), 'value');
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      // not JSON: keep the text
    }
  }
  return raw;
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new ConfigError(`writer option key ${JSON.stringify(key)} is not a plain name`);
  if (FORBIDDEN_KEYS.has(key)) throw new ConfigError(`writer option key "${key}" is not allowed`);
}

/** Deep-copies plain data, refusing functions, class instances and forbidden keys. */
function checkData(value: unknown, where: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(`writer ${where} must be a finite number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => checkData(v, `${where}[${i}]`));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new ConfigError(
        `writer ${where} must be plain data (got a ${proto?.constructor?.name ?? 'object'})`,
      );
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw new ConfigError(`writer option key "${key}" is not allowed`);
      out[key] = checkData((value as Record<string, unknown>)[key], `${where}.${key}`);
    }
    return out;
  }
  throw new ConfigError(`writer ${where} must be plain data, got ${typeof value}`);
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (Object.hasOwn(into, k)) throw new ConfigError(`writer option "${k}" is given twice`);
    into[k] = v;
  }
}
