import { resolve } from 'node:path';
import { defineCommand } from '../context.js';

/** `cytorx coco-merge DIR|FILE... --out FILE [--file NAME]`: merges the COCO files of export shards. */
export const cocoMergeCommand = defineCommand({
  command: 'coco-merge <inputs..>',
  options: [],
  describe:
    'merge COCO files (e.g. of `export --shard I/N` runs) into one; categories must agree. Export shards (their manifest.json) must be every shard 0..N-1 of one image set, each complete and given once',
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'export output directories (their coco/NAME) or COCO JSON files',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'merged COCO file (written atomically)',
      })
      .option('file', {
        type: 'string',
        default: 'annotations.json',
        describe: 'file to take from each directory, e.g. train.json with --split',
      }),
  handler: async (args, ctx) => {
    const { mergeCoco } = await import('@cytorx/writers');
    const cwd = ctx.io.cwd;
    const inputs = (args.inputs ?? []).map((p) => resolve(cwd, String(p)));
    const result = await mergeCoco(inputs, resolve(cwd, args.out), { fileName: args.file });
    ctx.message(
      `merged ${inputs.length} inputs into ${result.file}: ${result.images} images, ${result.annotations} annotations, ${result.categories} categories` +
        (result.duplicates > 0 ? ` (${result.duplicates} duplicates dropped)` : ''),
    );
  },
});
