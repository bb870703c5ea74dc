import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinWriterNames, loadWriterFactory, parseWriterOptions, resolveWriter } from '@cytorx/writers';
import { beforeAll, describe, expect, it } from 'vitest';

let dir: string;

const MODULE = `
export default function factory(options = {}) {
  return {
    name: 'echo',
    write() {},
    close() { return { writer: 'echo', files: [], items: 0, warnings: 0, details: { options } }; },
  };
}
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cytorx-registry-'));
  await writeFile(path.join(dir, 'echo-writer.mjs'), MODULE);
  await writeFile(
    path.join(dir, 'named.mjs'),
    `export function createWriter(o) { return { name: 'named', write() {}, close() { return { writer: 'named', files: [], items: 0, warnings: 0 }; } }; }`,
  );
  await writeFile(path.join(dir, 'broken-shape.mjs'), `export default () => ({ name: 'half', write() {} });`);
  await writeFile(path.join(dir, 'no-factory.mjs'), `export const something = 1;`);
  await writeFile(path.join(dir, 'throws-on-load.mjs'), `throw new Error('module top-level failure');`);
  await writeFile(
    path.join(dir, 'strict-options.mjs'),
    `export default (o) => { if (o.level > 3) throw new Error('level too high'); return { name: 's', write() {}, close() { return { writer: 's', files: [], items: 0, warnings: 0 }; } }; };`,
  );
  // An ESM-only package (exports with an "import" condition only), as a user would install it.
  const pkg = path.join(dir, 'node_modules', '@lab', 'cytorx-writer-echo');
  await mkdir(path.join(pkg, 'lib'), { recursive: true });
  await writeFile(
    path.join(pkg, 'package.json'),
    JSON.stringify({
      name: '@lab/cytorx-writer-echo',
      type: 'module',
      exports: { '.': { import: './lib/index.js' } },
    }),
  );
  await writeFile(path.join(pkg, 'lib', 'index.js'), MODULE.replaceAll("'echo'", "'pkg-echo'"));
});

/** Options the echo writer received, read back from its summary. */
async function optionsSeen(spec: string, options?: Parameters<typeof resolveWriter>[1]): Promise<unknown> {
  const w = await resolveWriter(spec, options, { cwd: dir });
  const summary = await w.close({} as never);
  return summary.details?.options;
}

describe('resolveWriter', () => {
  it('resolves the built-ins', async () => {
    expect(builtinWriterNames()).toEqual(['coco', 'geojson', 'mask', 'ome-zarr']);
    for (const name of builtinWriterNames()) {
      const w = await resolveWriter(name);
      expect(w.name).toBe(name);
      expect(typeof w.write).toBe('function');
    }
    expect((await resolveWriter('geojson', 'flavor=qupath,name=qp')).name).toBe('qp');
  });

  it('validates built-in options with CYTORX_CONFIG', async () => {
    await expect(resolveWriter('geojson', { flavor: 'arcgis' })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
      message: expect.stringMatching(/flavor/),
    });
    await expect(resolveWriter('coco', 'split=0.8,-0.1')).rejects.toMatchObject({ code: 'CYTORX_CONFIG' });
  });

  it('loads a module by relative path, absolute path and file URL; options arrive as data', async () => {
    expect(await optionsSeen('./echo-writer.mjs', 'level=3,tag=a b,split=0.8,0.1,0.1')).toEqual({
      level: 3,
      tag: 'a b',
      split: [0.8, 0.1, 0.1],
    });
    expect(await optionsSeen(path.join(dir, 'echo-writer.mjs'), '{"nested":{"a":[1,2]}}')).toEqual({
      nested: { a: [1, 2] },
    });
    expect(
      await optionsSeen(new URL(`file://${path.join(dir, 'echo-writer.mjs')}`).href, ['a=1', 'b=x']),
    ).toEqual({
      a: 1,
      b: 'x',
    });
    expect(await optionsSeen('echo-writer.mjs')).toEqual({}); // bare file name that exists
  });

  it('accepts a named createWriter export', async () => {
    expect((await resolveWriter('./named.mjs', undefined, { cwd: dir })).name).toBe('named');
  });

  it('loads an ESM-only package by name from cwd', async () => {
    const w = await resolveWriter('@lab/cytorx-writer-echo', 'x=1', { cwd: dir });
    expect(w.name).toBe('pkg-echo');
    expect(
      await loadWriterFactory('@lab/cytorx-writer-echo', { cwd: path.join(dir, 'node_modules') }),
    ).toBeTypeOf('function');
  });

  it.each([
    ['./broken-shape.mjs', /is not a writer: "half" has no close\(\) function/],
    ['./no-factory.mjs', /exports no writer factory/],
    ['./throws-on-load.mjs', /failed to load: module top-level failure/],
    ['./missing.mjs', /writer module not found/],
    ['not a name!', /unknown writer "not a name!"/],
    ['cytorx-writer-not-installed', /is not installed/],
  ])('%s -> CYTORX_CONFIG %s', async (spec, message) => {
    await expect(resolveWriter(spec, undefined, { cwd: dir })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
      message: expect.stringMatching(message),
    });
  });

  it('a factory that rejects its options gives a CYTORX_CONFIG naming the writer', async () => {
    await expect(resolveWriter('./strict-options.mjs', 'level=9', { cwd: dir })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
      message: 'writer "./strict-options.mjs" rejected its options: level too high',
    });
  });
});

describe('parseWriterOptions', () => {
  it('parses values as data, never code', () => {
    expect(parseWriterOptions('cmd=process.exit(1),n=-2.5e3,b=false,z=null,s="quoted, text"')).toEqual({
      cmd: 'process.exit(1)',
      n: -2500,
      b: false,
      z: null,
      s: 'quoted, text',
    });
    expect(parseWriterOptions(undefined)).toEqual({});
    expect(parseWriterOptions('')).toEqual({});
    expect(parseWriterOptions({ a: [1, { b: 'c' }] })).toEqual({ a: [1, { b: 'c' }] });
  });

  it.each([
    ['__proto__=1', /not allowed/],
    ['{"__proto__": {"polluted": true}}', /not allowed/],
    ['{"a": {"constructor": 1}}', /not allowed/],
    ['novalue', /not key=value/],
    ['a=1,a=2', /given twice/],
    ['{bad json', /not valid JSON/],
    ['[1,2]', /not key=value/],
    ['a b=1', /not a plain name/],
  ])('%j -> CYTORX_CONFIG', (input, message) => {
    expect(() => parseWriterOptions(input)).toThrow(
      expect.objectContaining({ code: 'CYTORX_CONFIG', message: expect.stringMatching(message) }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses non-plain objects (functions, class instances)', () => {
    expect(() => parseWriterOptions({ f: () => 1 } as never)).toThrow(/plain data/);
    expect(() => parseWriterOptions({ d: new Date() } as never)).toThrow(/plain data/);
  });
});
