import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isCytorxError } from '@cytorx/core';
import { createOutputDir, isTemporaryName, safeSegment } from '@cytorx/writers';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let base: string;
let root: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'cytorx-outdir-'));
  root = path.join(base, 'out');
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('OutputDir.resolve', () => {
  it.each([
    '../escape.txt',
    'a/../../escape.txt',
    '..',
    '.',
    '',
    '/etc/passwd',
    'C:\\Windows\\x',
    'c:relative',
    '\\\\server\\share\\x',
    'a\0b',
    `${'x'.repeat(256)}.txt`,
  ])('refuses %j with CYTORX_CONFIG', async (p) => {
    const out = await createOutputDir(root);
    expect(() => out.resolve(p)).toThrow(expect.objectContaining({ code: 'CYTORX_CONFIG' }));
    await expect(out.writeFile(p, 'x')).rejects.toSatisfy((e) => isCytorxError(e, 'CYTORX_CONFIG'));
    expect(await listFiles(base)).toEqual([]);
  });

  it('accepts names inside, including ones that merely start with dots', async () => {
    const out = await createOutputDir(root);
    expect(out.resolve('..foo')).toBe(path.join(root, '..foo'));
    expect(out.resolve('a/../b.json')).toBe(path.join(root, 'b.json'));
    expect(out.resolve('geojson/1/0_0.geojson')).toBe(path.join(root, 'geojson', '1', '0_0.geojson'));
  });

  it('refuses to write through a symbolic link that points outside', async () => {
    const out = await createOutputDir(root);
    const outside = path.join(base, 'outside');
    await out.writeFile('keep.txt', 'k');
    await import('node:fs/promises').then((fs) => fs.mkdir(outside));
    await symlink(outside, path.join(root, 'linked'));
    await expect(out.writeFile('linked/evil.txt', 'x')).rejects.toSatisfy((e) =>
      isCytorxError(e, 'CYTORX_CONFIG'),
    );
    await expect(out.open('linked/deeper/evil.txt')).rejects.toSatisfy((e) =>
      isCytorxError(e, 'CYTORX_CONFIG'),
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it('property: any name built with safeSegment stays inside the directory', async () => {
    const out = await createOutputDir(root);
    const evil = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.constantFrom(
        '..',
        '.',
        '../../etc/passwd',
        '/abs',
        'C:\\x',
        'a\0b',
        'CON',
        'nul.txt',
        ' . ',
        '\u202e',
      ),
      fc
        .array(fc.constantFrom('..', '/', '\\', '.', '\0', 'é', '😀', 'a', ' ', ':'), { maxLength: 300 })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(evil, evil, (a, b) => {
        const rel = `${safeSegment(a)}/${safeSegment(b)}.json`;
        const full = out.resolve(rel); // must not throw
        expect(path.dirname(path.dirname(full))).toBe(out.root);
        expect(Buffer.byteLength(path.basename(full))).toBeLessThanOrEqual(125);
      }),
      { numRuns: 500 },
    );
  });
});

describe('OutputDir atomic writes', () => {
  it('writeFile creates folders and leaves no temporary file', async () => {
    const out = await createOutputDir(root);
    await out.writeFile('a/b/c.txt', 'hello');
    await out.writeFile('a/b/c.txt', 'again');
    expect(await readFile(path.join(root, 'a/b/c.txt'), 'utf8')).toBe('again');
    expect(await listFiles(root)).toEqual([path.join('a', 'b', 'c.txt')]);
  });

  it('open: nothing under the final name until commit', async () => {
    const out = await createOutputDir(root);
    const f = await out.open('big.json');
    await f.write('[');
    for (let i = 0; i < 2000; i++) await f.write(`${JSON.stringify({ i, pad: 'x'.repeat(100) })},`);
    await f.write('0]');
    const before = await listFiles(root);
    expect(before).toHaveLength(1);
    expect(isTemporaryName(before[0]!)).toBe(true);
    expect(before).not.toContain('big.json');
    await f.commit();
    await f.commit(); // no-op
    expect(await listFiles(root)).toEqual(['big.json']);
    const parsed = JSON.parse(await readFile(path.join(root, 'big.json'), 'utf8')) as unknown[];
    expect(parsed).toHaveLength(2001);
    await expect(f.write('x')).rejects.toThrow(/after commit/);
  });

  it('abort removes the temporary file, even right after open', async () => {
    const out = await createOutputDir(root);
    const f = await out.open('x/never.json');
    await f.abort(); // before the stream even opened its file descriptor
    const g = await out.open('x/never2.json');
    await g.write('partial');
    await g.abort();
    await g.abort();
    await g.commit(); // after abort: no-op, never publishes
    expect(await listFiles(root)).toEqual([]);
  });

  it('a long final name still gets a valid temporary name', async () => {
    const out = await createOutputDir(root);
    const name = `${'é'.repeat(120)}.json`; // 244 bytes
    const f = await out.open(name);
    await f.write('{}');
    await f.commit();
    expect(await listFiles(root)).toEqual([name]);
  });

  it('commit failure removes the temporary file and rejects', async () => {
    const out = await createOutputDir(root);
    const f = await out.open('dir-later/file.json');
    await f.write('{}');
    // Make the rename target impossible: a non-empty directory under the final name.
    await out.writeFile('dir-later/file.json/inner.txt', 'x').catch(() => undefined);
    await expect(f.commit()).rejects.toThrow();
    const files = await listFiles(root);
    expect(files.some(isTemporaryName)).toBe(false);
  });
});

describe('safeSegment', () => {
  it.each([
    ['../../etc/passwd', '____etc_passwd'],
    ['..', '_'],
    ['.', '_'],
    ['', '_'],
    ['.hidden', 'hidden'],
    ['-rf', 'rf'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['nul\0byte', 'nul_byte'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['trailing. ', 'trailing'],
    ['evil\u202etxt.exe', 'evil_txt.exe'],
    ['Tumour (grade 2)', 'Tumour (grade 2)'],
    ['slide 01.svs', 'slide 01.svs'],
  ])('%j -> %j', (input, expected) => {
    expect(safeSegment(input)).toBe(expected);
  });

  it('caps length in UTF-8 bytes on a character boundary and keeps the extension', () => {
    const s = safeSegment(`${'😀'.repeat(100)}.ome.tiff`);
    expect(Buffer.byteLength(s)).toBeLessThanOrEqual(120);
    expect(s.endsWith('.tiff')).toBe(true);
    expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(safeSegment('a'.repeat(500))).toBe('a'.repeat(120));
  });

  it('uses a safe fallback', () => {
    expect(safeSegment(' . ', 'image-3')).toBe('image-3');
    expect(safeSegment('', '../x')).toBe('__x');
  });

  it('property: result is one non-empty, safe segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const r = safeSegment(s);
        expect(r.length).toBeGreaterThan(0);
        expect(r).not.toMatch(/[/\\\0:]/);
        expect(r).not.toContain('..');
        expect(r.startsWith('.')).toBe(false);
        expect(Buffer.byteLength(r)).toBeLessThanOrEqual(120);
        expect(safeSegment(r)).toBe(r); // idempotent
      }),
      { numRuns: 1000 },
    );
  });
});
