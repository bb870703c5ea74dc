import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ClassMapping, Geometry } from '@cytorx/core';
import { maskWriter, type OverlapPolicy } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { batch, feature, makeContext, readPng } from './helpers.js';

interface FixtureInput {
  width: number;
  height: number;
  overlap: OverlapPolicy;
  classes: ClassMapping;
  features: { id: number; classId?: number; geometry: Geometry }[];
}

const root = path.join(import.meta.dirname, 'fixtures');
const names = (await readdir(root, { withFileTypes: true }))
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('mask golden fixtures (input.json -> expected.png, compared by decoded pixels)', () => {
  it.each(names)('%s', async (name) => {
    const input = JSON.parse(await readFile(path.join(root, name, 'input.json'), 'utf8')) as FixtureInput;
    const expected = PNG.sync.read(await readFile(path.join(root, name, 'expected.png')));
    const t = await makeContext(input.classes);
    try {
      for (const opts of [{}, { bandThreshold: 0, bandHeight: 3 }]) {
        const writer = maskWriter({
          overlap: input.overlap,
          directory: 'bandHeight' in opts ? 'banded' : 'memory',
          ...opts,
        });
        const features = input.features.map((f) => feature(f.id, f.geometry, f.classId));
        await writer.write(batch(input.width, input.height, features), t.ctx);
        const [file] = (await writer.close(t.ctx)).files;
        const got = await readPng(path.join(t.root, file!));
        expect([got.width, got.height]).toEqual([expected.width, expected.height]);
        const want = Uint8Array.from(
          { length: expected.width * expected.height },
          (_, i) => expected.data[i * 4]!,
        );
        expect(got.pixels).toEqual(want);
      }
    } finally {
      await rm(t.root, { recursive: true, force: true });
    }
  });
});
