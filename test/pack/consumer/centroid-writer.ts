// A third-party writer as a user of the published packages writes it: one CSV per image with
// each feature's id, class and bounding-box centre, written through the context's output folder.
import { forEachPosition, type ImageBatch } from '@cytorx/core';
import { defineWriter, type WriterContext, type WriterSummary } from '@cytorx/writers';

export default defineWriter<{ digits?: number }>((options = {}) => {
  const digits = options.digits ?? 1;
  const files: string[] = [];
  let items = 0;
  return {
    name: 'centroids',
    async write(batch: ImageBatch, ctx: WriterContext): Promise<void> {
      const rows = batch.features.map((f) => {
        let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
        forEachPosition(f.geometry, (x, y) => {
          [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
        });
        const cx = ((x0 + x1) / 2).toFixed(digits);
        const cy = ((y0 + y1) / 2).toFixed(digits);
        return `${f.id},${f.classId ?? ctx.classes.unlabeled},${cx},${cy}\n`;
      });
      const file = `centroids/${batch.image.id}.csv`;
      await ctx.out.writeFile(file, `id,class,x,y\n${rows.join('')}`);
      files.push(file);
      items += rows.length;
    },
    close(): WriterSummary {
      return { writer: 'centroids', files: files.sort(), items, warnings: 0 };
    },
  };
});
