import type { ImageBatch } from '@cytorx/core';
import {
  cocoWriter,
  defineWriter,
  geojsonWriter,
  type Writer,
  type WriterContext,
  type WriterDoneEvent,
  type WriterEvent,
  writeTo,
} from '@cytorx/writers';
import { concat, firstValueFrom, from, lastValueFrom, NEVER, Subject, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batch, feature, image, listFiles, readJson, rectRing, tempContext, tileBatch } from './fixtures.js';

/** A writer that records every hook call. */
function recorder(name: string, log: string[], opts: { delayMs?: number; failOn?: string } = {}): Writer {
  let items = 0;
  return {
    name,
    async open() {
      log.push(`${name}:open`);
    },
    async write(b: ImageBatch, ctx: WriterContext) {
      log.push(`${name}:write:${b.image.id}:start`);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.failOn === String(b.image.id)) throw new Error(`boom on ${b.image.id}`);
      if (ctx.signal.aborted) throw new Error('should not write after abort');
      items++;
      log.push(`${name}:write:${b.image.id}:end`);
    },
    close(ctx) {
      log.push(`${name}:close:${ctx.signal.aborted ? 'aborted' : 'ok'}`);
      return { writer: name, files: [], items, warnings: 0 };
    },
  };
}

const batches = (...ids: number[]) => ids.map((id) => batch(image(id), []));

function done(events: WriterEvent[]): WriterDoneEvent {
  const last = events.at(-1);
  if (last?.type !== 'done') throw new Error(`last event is ${last?.type}`);
  return last;
}

describe('writeTo', () => {
  it('opens all first, gives every batch to every writer in order, awaits each batch, closes last', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const events = await lastValueFrom(
      from(batches(1, 2, 3)).pipe(
        writeTo(ctx, recorder('a', log, { delayMs: 5 }), recorder('b', log)),
        toArray(),
      ),
    );
    expect(log.slice(0, 2).sort()).toEqual(['a:open', 'b:open']);
    // Batch n+1 starts only after both writers finished batch n.
    const ends = (id: number) => Math.max(log.indexOf(`a:write:${id}:end`), log.indexOf(`b:write:${id}:end`));
    const starts = (id: number) =>
      Math.min(log.indexOf(`a:write:${id}:start`), log.indexOf(`b:write:${id}:start`));
    expect(starts(2)).toBeGreaterThan(ends(1));
    expect(starts(3)).toBeGreaterThan(ends(2));
    expect(log.slice(-2).sort()).toEqual(['a:close:ok', 'b:close:ok']);
    expect(events.map((e) => e.type)).toEqual([
      'opened',
      'written',
      'written',
      'batch',
      'written',
      'written',
      'batch',
      'written',
      'written',
      'batch',
      'done',
    ]);
    const d = done(events);
    expect(d).toMatchObject({ batches: 3, complete: true, errors: [] });
    expect(d.summaries.map((s) => [s.writer, s.items])).toEqual([
      ['a', 3],
      ['b', 3],
    ]);
  });

  it('a batch arriving while the writers are busy waits its turn (concatMap)', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const source = new Subject<ImageBatch>();
    const result = lastValueFrom(source.pipe(writeTo(ctx, recorder('slow', log, { delayMs: 15 }))));
    await new Promise((r) => setTimeout(r, 5)); // open done
    source.next(batch(image(1), []));
    source.next(batch(image(2), []));
    log.push('pushed:2');
    source.complete();
    await result;
    expect(log).toEqual([
      'slow:open',
      'slow:write:1:start',
      'pushed:2',
      'slow:write:1:end',
      'slow:write:2:start',
      'slow:write:2:end',
      'slow:close:ok',
    ]);
  });

  it('empty source: open and close still run, done is emitted', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const events = await lastValueFrom(
      from([] as ImageBatch[]).pipe(writeTo(ctx, recorder('a', log)), toArray()),
    );
    expect(log).toEqual(['a:open', 'a:close:ok']);
    expect(done(events)).toMatchObject({ batches: 0, complete: true });
  });

  it('a throwing writer becomes a WriterError naming writer, hook and item; the others complete their files', async () => {
    const ctx = await tempContext();
    const img1 = image(1);
    const img2 = image(2);
    const img3 = image(3);
    const mk = (img: typeof img1) => [
      feature(img.id * 10, img, { type: 'Polygon', coordinates: [rectRing(2, 2, 10, 10)] }),
    ];
    const explosive = defineWriter(() => ({
      name: 'explosive',
      write(b) {
        if (b.image.id === 2) throw new Error('disk on fire');
      },
      close: () => ({ writer: 'explosive', files: [], items: 0, warnings: 0 }),
    }))();
    const error = await lastValueFrom(
      from([batch(img1, mk(img1)), batch(img2, mk(img2)), batch(img3, mk(img3))]).pipe(
        writeTo(ctx, geojsonWriter(), explosive, cocoWriter()),
      ),
    )
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CYTORX_WRITER', writer: 'explosive', hook: 'write', item: '2' });
    expect((error as Error).message).toBe('writer "explosive" failed in write for 2: disk on fire');
    expect(((error as Error).cause as Error).message).toBe('disk on fire');
    // The other writers saw every batch and published complete files.
    expect(await listFiles(ctx.root)).toEqual([
      'coco/annotations.json',
      'geojson/1.geojson',
      'geojson/2.geojson',
      'geojson/3.geojson',
    ]);
    const coco = await readJson<{ images: unknown[]; annotations: { id: number }[] }>(
      ctx.root,
      'coco/annotations.json',
    );
    expect(coco.annotations.map((a) => a.id)).toEqual([10, 20, 30]);
    expect(coco.images).toHaveLength(3);
    expect(ctx.warnings).toEqual([
      expect.objectContaining({ code: 'WRITER', stage: 'explosive', imageId: 2, skipped: false }),
    ]);
  });

  it('reports failed events and a done event with the errors; disabled writer gets no more batches', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const events = await lastValueFrom(
      from(batches(1, 2, 3)).pipe(
        writeTo({ ctx, errorOnFailure: false }, recorder('bad', log, { failOn: '2' }), recorder('good', log)),
        toArray(),
      ),
    );
    expect(log.filter((l) => l.startsWith('bad:write') && l.endsWith('start'))).toEqual([
      'bad:write:1:start',
      'bad:write:2:start',
    ]);
    expect(log).toContain('good:write:3:end');
    // The failed writer's close sees its own aborted signal (discard incomplete output); the other's does not.
    expect(log).toContain('bad:close:aborted');
    expect(log).toContain('good:close:ok');
    const failed = events.filter((e) => e.type === 'failed');
    expect(failed).toHaveLength(1);
    const d = done(events);
    expect(d.complete).toBe(false);
    expect(d.errors.map((e) => [e.writer, e.hook, e.item])).toEqual([['bad', 'write', '2']]);
    expect(d.summaries.map((s) => s.items)).toEqual([1, 3]);
  });

  it('failFast: stops at the first failure, every writer is closed with an aborted signal', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const err = await lastValueFrom(
      from(batches(1, 2, 3)).pipe(
        writeTo({ ctx, failFast: true }, recorder('bad', log, { failOn: '2' }), recorder('good', log)),
      ),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CYTORX_WRITER', writer: 'bad', item: '2' });
    expect(log).not.toContain('good:write:3:start');
    expect(log).toContain('good:close:aborted');
  });

  it('tile items are named image/x_y', async () => {
    const ctx = await tempContext();
    const img = image(9, 64, 64);
    const bad: Writer = {
      name: 'bad',
      write() {
        throw new Error('nope');
      },
      close: () => ({ writer: 'bad', files: [], items: 0, warnings: 0 }),
    };
    const err = await lastValueFrom(
      from([tileBatch(img, { col: 1, row: 0, size: 32 }, [])]).pipe(writeTo(ctx, bad)),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CYTORX_WRITER', item: '9/32_0' });
  });

  it('open and close failures are WriterErrors too; all writers still close', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const badOpen: Writer = { ...recorder('o', log), open: () => Promise.reject(new Error('no disk')) };
    const badClose: Writer = {
      ...recorder('c', log),
      close: () => {
        throw new Error('cannot flush');
      },
    };
    const events = await lastValueFrom(
      from(batches(1)).pipe(
        writeTo({ ctx, errorOnFailure: false }, badOpen, badClose, recorder('ok', log)),
        toArray(),
      ),
    );
    const d = done(events);
    expect(d.errors.map((e) => [e.writer, e.hook, e.item])).toEqual([
      ['o', 'open', undefined],
      ['c', 'close', undefined],
    ]);
    expect(log).toContain('o:close:aborted');
    expect(log).toContain('ok:close:ok');
    expect(d.summaries.map((s) => s.writer)).toEqual(['o', 'c', 'ok']);
  });

  it('source error: writers are closed (signal aborted), done is emitted, then the source error', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const seen: WriterEvent[] = [];
    const boom = new Error('network down');
    const err = await new Promise((resolve) => {
      concat(
        from(batches(1)),
        throwError(() => boom),
      )
        .pipe(writeTo(ctx, recorder('a', log)))
        .subscribe({ next: (e) => seen.push(e), error: resolve });
    });
    expect(err).toBe(boom);
    expect(log.at(-1)).toBe('a:close:aborted');
    expect(seen.at(-1)).toMatchObject({ type: 'done', complete: false, batches: 1 });
  });

  it('unsubscribe: waits for the write in flight, then closes every writer with an aborted signal', async () => {
    const ctx = await tempContext();
    const log: string[] = [];
    const source = new Subject<ImageBatch>();
    const sub = source
      .pipe(writeTo(ctx, recorder('a', log, { delayMs: 20 }), recorder('b', log)))
      .subscribe();
    source.next(batch(image(1), []));
    await new Promise((r) => setTimeout(r, 1));
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 50));
    expect(log.indexOf('a:close:aborted')).toBeGreaterThan(log.indexOf('a:write:1:end'));
    expect(log).toContain('b:close:aborted');
  });

  it('abort signal: stops taking batches and errors with CYTORX_ABORTED after closing', async () => {
    const controller = new AbortController();
    const ctx = await tempContext({ signal: controller.signal });
    const log: string[] = [];
    const source = new Subject<ImageBatch>();
    const result = firstValueFrom(
      concat(source, NEVER).pipe(writeTo(ctx, recorder('a', log)), toArray()),
    ).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5)); // open done
    source.next(batch(image(1), []));
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const err = await result;
    expect(err).toMatchObject({ code: 'CYTORX_ABORTED' });
    expect(log).toEqual(['a:open', 'a:write:1:start', 'a:write:1:end', 'a:close:aborted']);
  });

  it('refuses a non-writer synchronously with CYTORX_CONFIG', async () => {
    const ctx = await tempContext();
    expect(() => writeTo(ctx, { name: 'x' } as unknown as Writer)).toThrow(
      expect.objectContaining({ code: 'CYTORX_CONFIG', message: expect.stringMatching(/no write\(\)/) }),
    );
  });
});
