import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/create-client.js';
import type { CytomineClient } from '../../src/client/types.js';
import type { Position } from '../../src/pipeline/types.js';
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

describe('cancellation of updateAnnotations and deleteAnnotations', () => {
  it('unsubscribing aborts the PUTs and DELETEs in flight (no hand-made controller needed)', async () => {
    // A server that answers image lookups and holds every write open: a write request is
    // aborted when the server sees its connection close before any answer.
    const closed: string[] = [];
    const pending: string[] = [];
    const server = createServer((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 7, width: 100, height: 100 }));
        return;
      }
      pending.push(`${req.method} ${req.url}`);
      res.on('close', () => closed.push(`${req.method} ${req.url}`));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const held = createClient({ host: `http://127.0.0.1:${port}`, publicKey: 'p', privateKey: 's' });
    try {
      const square = {
        type: 'Polygon' as const,
        coordinates: [
          [
            [1, 1],
            [9, 1],
            [9, 9],
            [1, 9],
            [1, 1],
          ],
        ] as Position[][],
      };
      const updates = from([{ annotationId: 1, imageId: 7, geometry: square }])
        .pipe(updateAnnotations(held))
        .subscribe();
      const deletes = from([{ annotationId: 2 }, { annotationId: 3 }])
        .pipe(deleteAnnotations(held))
        .subscribe();
      for (let i = 0; i < 200 && pending.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(pending.sort()).toEqual([
        'DELETE /api/annotation/2.json',
        'DELETE /api/annotation/3.json',
        'PUT /api/annotation/1.json',
      ]);
      updates.unsubscribe();
      deletes.unsubscribe();
      for (let i = 0; i < 200 && closed.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed.sort()).toEqual(pending.sort());
    } finally {
      await held.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
