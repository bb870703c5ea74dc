import { type Emulator, startEmulator } from '@cytorx/emulator';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import { deleteAnnotations } from '../../src/upload/delete-annotations.js';
import { openLedger } from '../../src/upload/ledger.js';
import { updateAnnotations } from '../../src/upload/update-annotations.js';

let emu: Emulator;
let client: CytomineClient;
beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 4,
      projects: 1,
      imagesPerProject: 1,
      annotationsPerImage: 10,
      kinds: ['simple'],
      imageSize: { width: 1000, height: 800 },
    },
  });
  client = createClient({
    host: emu.url,
    publicKey: emu.publicKey,
    privateKey: emu.privateKey,
    retry: { baseDelayMs: 1 },
  });
});
afterAll(async () => {
  await client.close();
  await emu.close();
});
beforeEach(() => {
  emu.setFaults({});
  emu.resetStats();
});

describe('updateAnnotations', () => {
  it('PUTs location and image, in Cytomine space, and reports refusals per item', async () => {
    const [a, b] = emu.dataset.annotations;
    const image = emu.dataset.images[0]!.id;
    const results = await lastValueFrom(
      from([
        {
          annotationId: a!.id,
          imageId: image,
          geometry: { type: 'Point' as const, coordinates: [10, 30] as [number, number] },
        },
        {
          annotationId: 987_654,
          imageId: image,
          geometry: { type: 'Point' as const, coordinates: [1, 1] as [number, number] },
        },
        {
          annotationId: b!.id,
          imageId: image,
          geometry: {
            type: 'Polygon' as const,
            coordinates: [
              [
                [0, 0],
                [0.2, 0],
                [0.2, 9],
                [0, 9],
                [0, 0],
              ],
            ] as [number, number][][],
          },
        },
      ]).pipe(updateAnnotations(client), toArray()),
    );
    const by = new Map(results.map((r) => [r.item.annotationId, r]));
    expect(by.get(a!.id)).toMatchObject({ status: 'updated', annotationId: a!.id });
    expect(emu.dataset.annotations.find((x) => x.id === a!.id)?.location).toBe('POINT (10 770)');
    expect(by.get(987_654)?.status).toBe('refused');
    expect(by.get(987_654)?.reason).toMatch(/not found/);
    expect(by.get(b!.id)).toMatchObject({ status: 'refused', reason: 'Annotation dimension not valid' });
    expect(emu.stats().writes).toBe(1);
  });
});

describe('deleteAnnotations', () => {
  it('deletes, reports absent ids as skipped, and tells the ledger', async () => {
    const ids = emu.dataset.annotations.slice(-3).map((a) => a.id);
    const ledger = openLedger();
    ledger.markCreated([{ key: 'k', id: ids[0]!, image: 1 }]);
    const results = await lastValueFrom(
      from([...ids, 555_555].map((annotationId) => ({ annotationId }))).pipe(
        deleteAnnotations(client, { ledger }),
        toArray(),
      ),
    );
    expect(
      results
        .filter((r) => r.status === 'deleted')
        .map((r) => r.annotationId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(results.find((r) => r.annotationId === 555_555)).toMatchObject({ status: 'skipped' });
    expect(ledger.owns(ids[0]!)).toBe(false);
    expect(emu.dataset.annotations.some((a) => ids.includes(a.id))).toBe(false);
  });

  it('counts a 404 after a lost attempt as deleted (reset after the write)', async () => {
    const id = emu.dataset.annotations[0]!.id;
    emu.setFaults({ resetAfterWriteRate: 1, methods: ['DELETE'] });
    const [r] = await lastValueFrom(from([{ annotationId: id }]).pipe(deleteAnnotations(client), toArray()));
    expect(r).toMatchObject({ status: 'deleted', annotationId: id });
  });
});
