// Type tests: checked by `tsc -p tsconfig.test.json` (not run by vitest).
import type { ImageBatch } from '@cytorx/core';
import {
  cocoWriter,
  defineWriter,
  geojsonWriter,
  resolveWriter,
  type Writer,
  type WriterEvent,
  type WriterFactory,
  writeTo,
} from '@cytorx/writers';
import type { Observable, OperatorFunction } from 'rxjs';
import { expectTypeOf } from 'vitest';

interface CsvOptions {
  separator?: ',' | ';';
}

const csv = defineWriter<CsvOptions>((options = {}) => {
  expectTypeOf(options).toEqualTypeOf<CsvOptions>();
  return {
    name: 'csv',
    write(batch) {
      expectTypeOf(batch).toEqualTypeOf<ImageBatch>();
    },
    close: () => ({ writer: 'csv', files: [], items: 0, warnings: 0 }),
  };
});
expectTypeOf(csv).toEqualTypeOf<WriterFactory<CsvOptions>>();
expectTypeOf(csv({ separator: ';' })).toEqualTypeOf<Writer>();
// @ts-expect-error: not an option of this writer
csv({ separator: '|' });
// @ts-expect-error: a writer must have close()
defineWriter(() => ({ name: 'x', write() {} }));

expectTypeOf(geojsonWriter)
  .parameter(0)
  .toEqualTypeOf<
    { flavor?: 'default' | 'qupath'; dir?: string; precision?: number; name?: string } | undefined
  >();
// @ts-expect-error: unknown flavour
geojsonWriter({ flavor: 'arcgis' });
cocoWriter({ split: [0.8, 0.1, 0.1], seed: 3 });

declare const ctx: import('@cytorx/writers').WriterContext;
expectTypeOf(writeTo(ctx, geojsonWriter(), cocoWriter())).toEqualTypeOf<
  OperatorFunction<ImageBatch, WriterEvent>
>();
declare const batches$: Observable<ImageBatch>;
expectTypeOf(batches$.pipe(writeTo({ ctx, failFast: true }, csv()))).toEqualTypeOf<Observable<WriterEvent>>();
expectTypeOf(resolveWriter('geojson', 'flavor=qupath')).toEqualTypeOf<Promise<Writer>>();

declare const e: WriterEvent;
if (e.type === 'done') expectTypeOf(e.summaries[0]!.files).toEqualTypeOf<string[]>();
if (e.type === 'failed') expectTypeOf(e.error.writer).toEqualTypeOf<string>();
