// A JSON-schema-like check of OME-NGFF 0.4 label images, written from the specification
// (ngff.openmicroscopy.org/0.4: "axes", "coordinateTransformations", "multiscales",
// "image-label" metadata, and its image.schema / image-label.schema) and Zarr v2's `.zarray`.
// Each rule is a MUST of the spec unless marked (SHOULD, checked strictly here).
// Returns the violations as readable strings: [] means valid.

const SPACE_UNITS = [
  'angstrom',
  'attometer',
  'centimeter',
  'decimeter',
  'exameter',
  'femtometer',
  'foot',
  'gigameter',
  'hectometer',
  'inch',
  'kilometer',
  'megameter',
  'meter',
  'micrometer',
  'mile',
  'millimeter',
  'nanometer',
  'parsec',
  'petameter',
  'picometer',
  'terameter',
  'yard',
  'yoctometer',
  'yottameter',
  'zeptometer',
  'zettameter',
];

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberArray = (v: Json, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** The `.zarray` of each dataset path, as parsed JSON. */
export type ZarrayByPath = Record<string, Json>;

/** Violations of the OME-NGFF 0.4 multiscales + image-label rules by a label group's `.zattrs`. */
export function checkLabelImage(attrs: Json, arrays: ZarrayByPath): string[] {
  const errors: string[] = [];
  const fail = (where: string, what: string) => errors.push(`${where}: ${what}`);
  if (!isObject(attrs)) return ['.zattrs: must be an object'];

  const ms = attrs.multiscales;
  if (!Array.isArray(ms) || ms.length < 1) fail('multiscales', 'must be a non-empty array');
  else for (const [i, m] of ms.entries()) checkMultiscale(m, `multiscales[${i}]`, arrays, fail);

  const label = attrs['image-label'];
  if (!isObject(label)) fail('image-label', 'must be an object');
  else checkImageLabel(label, fail);
  return errors;
}

function checkMultiscale(
  m: Json,
  where: string,
  arrays: ZarrayByPath,
  fail: (where: string, what: string) => void,
): void {
  if (!isObject(m)) {
    fail(where, 'must be an object');
    return;
  }
  if (m.version !== '0.4') fail(`${where}.version`, 'SHOULD be "0.4"');
  if (m.name !== undefined && typeof m.name !== 'string') fail(`${where}.name`, 'must be a string');
  const axes = m.axes;
  let nAxes = 0;
  if (!Array.isArray(axes) || axes.length < 2 || axes.length > 5) {
    fail(`${where}.axes`, 'must be an array of 2 to 5 axes');
  } else {
    nAxes = axes.length;
    checkAxes(axes, `${where}.axes`, fail);
  }
  const datasets = m.datasets;
  if (!Array.isArray(datasets) || datasets.length < 1) {
    fail(`${where}.datasets`, 'must be a non-empty array');
    return;
  }
  let previous: number[] | undefined;
  for (const [i, d] of datasets.entries()) {
    const at = `${where}.datasets[${i}]`;
    if (!isObject(d)) {
      fail(at, 'must be an object');
      continue;
    }
    if (typeof d.path !== 'string' || d.path === '') {
      fail(`${at}.path`, 'must be a non-empty string');
      continue;
    }
    checkTransformations(d.coordinateTransformations, `${at}.coordinateTransformations`, nAxes, fail);
    const zarray = arrays[d.path];
    if (!isObject(zarray)) {
      fail(`${at}.path`, `no Zarr array at "${d.path}"`);
      continue;
    }
    for (const e of checkZarray(zarray)) fail(`${d.path}/.zarray`, e);
    const shape = zarray.shape as number[];
    if (Array.isArray(shape) && shape.length !== nAxes) {
      fail(`${d.path}/.zarray`, `has ${shape.length} dimensions, axes has ${nAxes}`);
    }
    // "The paths MUST be ordered from largest (i.e. highest resolution) to smallest."
    if (previous !== undefined && Array.isArray(shape) && shape.some((s, k) => s > previous![k]!)) {
      fail(
        `${at}`,
        `shape ${JSON.stringify(shape)} is larger than the previous level ${JSON.stringify(previous)}`,
      );
    }
    if (Array.isArray(shape)) previous = shape;
  }
  if (m.coordinateTransformations !== undefined) {
    checkTransformations(m.coordinateTransformations, `${where}.coordinateTransformations`, nAxes, fail);
  }
}

function checkAxes(axes: Json[], where: string, fail: (where: string, what: string) => void): void {
  const names = new Set<string>();
  let space = 0;
  let time = 0;
  let other = 0;
  let rank = 0; // 0 time, 1 channel/custom, 2 space: must not decrease
  for (const [i, a] of axes.entries()) {
    const at = `${where}[${i}]`;
    if (!isObject(a)) {
      fail(at, 'must be an object');
      continue;
    }
    if (typeof a.name !== 'string' || a.name === '') fail(`${at}.name`, 'must be a non-empty string');
    else if (names.has(a.name)) fail(`${at}.name`, `"${a.name}" is not unique`);
    else names.add(a.name);
    if (typeof a.type !== 'string') fail(`${at}.type`, 'SHOULD be a string');
    const r = a.type === 'time' ? 0 : a.type === 'space' ? 2 : 1;
    if (r < rank) fail(at, 'axes must be ordered time, then channel/custom, then space');
    rank = r;
    if (a.type === 'space') space++;
    else if (a.type === 'time') time++;
    else other++;
    if (a.unit !== undefined) {
      if (typeof a.unit !== 'string') fail(`${at}.unit`, 'must be a string');
      else if (a.type === 'space' && !SPACE_UNITS.includes(a.unit)) {
        fail(`${at}.unit`, `"${a.unit}" SHOULD be a UDUNITS-2 length unit`);
      }
    }
  }
  if (space < 2 || space > 3) fail(where, `must have 2 or 3 space axes, has ${space}`);
  if (time > 1) fail(where, 'at most one time axis');
  if (other > 1) fail(where, 'at most one channel or custom axis');
}

function checkTransformations(
  list: Json,
  where: string,
  nAxes: number,
  fail: (where: string, what: string) => void,
): void {
  if (!Array.isArray(list) || list.length < 1) {
    fail(where, 'must be a non-empty array');
    return;
  }
  let scales = 0;
  let translations = 0;
  for (const [i, t] of list.entries()) {
    const at = `${where}[${i}]`;
    if (!isObject(t)) {
      fail(at, 'must be an object');
      continue;
    }
    if (t.type === 'scale') {
      scales++;
      if (translations > 0) fail(at, 'scale must come before translation');
      if (!isNumberArray(t.scale, nAxes)) fail(`${at}.scale`, `must be ${nAxes} numbers`);
      else if (t.scale.some((s) => s <= 0)) fail(`${at}.scale`, 'must be positive');
    } else if (t.type === 'translation') {
      translations++;
      if (!isNumberArray(t.translation, nAxes)) fail(`${at}.translation`, `must be ${nAxes} numbers`);
    } else fail(`${at}.type`, `must be "scale" or "translation", got ${JSON.stringify(t.type)}`);
  }
  if (scales !== 1) fail(where, `must hold exactly one scale, has ${scales}`);
  if (translations > 1) fail(where, `may hold at most one translation, has ${translations}`);
}

function checkImageLabel(label: Record<string, Json>, fail: (where: string, what: string) => void): void {
  if (label.version !== undefined && label.version !== '0.4') fail('image-label.version', 'must be "0.4"');
  for (const key of ['colors', 'properties'] as const) {
    const list = label[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length < 1) {
      fail(`image-label.${key}`, 'must be a non-empty array');
      continue;
    }
    const seen = new Set<number>();
    for (const [i, entry] of list.entries()) {
      const at = `image-label.${key}[${i}]`;
      if (!isObject(entry)) {
        fail(at, 'must be an object');
        continue;
      }
      const v = entry['label-value'];
      const ok = key === 'properties' ? Number.isInteger(v) : typeof v === 'number';
      if (!ok) {
        fail(`${at}.label-value`, `must be ${key === 'properties' ? 'an integer' : 'a number'}`);
        continue;
      }
      if (seen.has(v as number)) fail(`${at}.label-value`, `${String(v)} is not unique`);
      seen.add(v as number);
      if (key === 'colors' && entry.rgba !== undefined) {
        const rgba = entry.rgba;
        if (
          !Array.isArray(rgba) ||
          rgba.length !== 4 ||
          !rgba.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)
        ) {
          fail(`${at}.rgba`, 'must be 4 integers 0..255');
        }
      }
    }
  }
  if (label.source !== undefined) {
    if (!isObject(label.source)) fail('image-label.source', 'must be an object');
    else if (label.source.image !== undefined && typeof label.source.image !== 'string') {
      fail('image-label.source.image', 'must be a string');
    }
  }
}

/** Violations of Zarr v2 `.zarray` rules, plus: label arrays hold integers (image-label). */
export function checkZarray(z: Record<string, Json>): string[] {
  const errors: string[] = [];
  if (z.zarr_format !== 2) errors.push('zarr_format must be 2');
  const shape = z.shape;
  const chunks = z.chunks;
  const ints = (v: Json) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
  if (!ints(shape)) errors.push('shape must be non-negative integers');
  if (!ints(chunks) || (chunks as number[]).some((c) => c < 1))
    errors.push('chunks must be positive integers');
  if (Array.isArray(shape) && Array.isArray(chunks) && shape.length !== chunks.length) {
    errors.push('chunks must have one entry per dimension');
  }
  if (typeof z.dtype !== 'string' || !/^[<>|][iu][1248]$/.test(z.dtype)) {
    errors.push(`dtype must be an integer type (label images), got ${JSON.stringify(z.dtype)}`);
  }
  const c = z.compressor;
  if (c !== null && !(isObject(c) && (c.id === 'zlib' || c.id === 'gzip'))) {
    errors.push('compressor must be null, zlib or gzip (read by zarr-python without plugins)');
  }
  if (isObject(c) && c.level !== undefined && !(Number.isInteger(c.level) && (c.level as number) >= 0)) {
    errors.push('compressor.level must be a non-negative integer');
  }
  if (z.fill_value !== 0) errors.push('fill_value must be 0 (background) for omitted chunks');
  if (z.order !== 'C' && z.order !== 'F') errors.push('order must be "C" or "F"');
  if (z.filters !== null && z.filters !== undefined) errors.push('filters must be null');
  if (z.dimension_separator !== undefined && z.dimension_separator !== '/' && z.dimension_separator !== '.') {
    errors.push('dimension_separator must be "/" or "."');
  }
  return errors;
}
