import { type ImageBatch, toCytomineSpace } from '@cytorx/core';
import { mapFeatures } from '../feature-array.js';
import type { AtomicFile, OutputDir } from '../fs/output-dir.js';
import type { Writer, WriterContext } from '../writer.js';

/** Receives every file a writer publishes: the image of the batch being written, or undefined (open/close). */
export type FileSink = (writer: string, rel: string, imageId: number | undefined) => void;

/**
 * Wraps a writer so that every file it publishes through `ctx.out` is reported to `onFile`
 * with the image it belongs to (writers handle one batch at a time, so a file committed during
 * `write(batch)` is that batch's). Optionally maps each batch before the writer sees it.
 * Uses only the public writer contract, so it wraps third-party writers too. @internal
 */
export function trackWriter(
  inner: Writer,
  onFile: FileSink,
  mapBatch?: (batch: ImageBatch) => ImageBatch,
): Writer {
  const name = inner.name;
  const withOut = (ctx: WriterContext, imageId: number | undefined): WriterContext => ({
    ...ctx,
    out: recordingDir(ctx.out, (rel) => onFile(name, rel, imageId)),
  });
  const tracked: Writer = {
    name,
    write: (batch, ctx) => inner.write(mapBatch ? mapBatch(batch) : batch, withOut(ctx, batch.image.id)),
    close: (ctx) => inner.close(withOut(ctx, undefined)),
  };
  if (inner.open !== undefined) {
    const open = inner.open.bind(inner);
    tracked.open = (ctx) => open(withOut(ctx, undefined));
  }
  return tracked;
}

/** An {@link OutputDir} that calls `onCommit(rel)` after each file is published. */
function recordingDir(out: OutputDir, onCommit: (rel: string) => void): OutputDir {
  return {
    root: out.root,
    resolve: (rel) => out.resolve(rel),
    async writeFile(rel, data) {
      await out.writeFile(rel, data);
      onCommit(rel);
    },
    async open(rel) {
      const file = await out.open(rel);
      let committed = false;
      const wrapped: AtomicFile = {
        relPath: file.relPath,
        stream: file.stream,
        write: (chunk) => file.write(chunk),
        async commit() {
          await file.commit();
          if (!committed) onCommit(rel);
          committed = true;
        },
        abort: () => file.abort(),
      };
      return wrapped;
    },
  };
}

/**
 * The batch with its features moved back to Cytomine's frame with `toCytomineSpace()` (for
 * `coords: 'cytomine'` outputs). @internal
 */
export function toCytomineBatch(batch: ImageBatch): ImageBatch {
  return { ...batch, features: mapFeatures(batch.features, toCytomineSpace()) };
}
