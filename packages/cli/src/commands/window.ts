import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { checkIds, checkNumbers, integerAtLeast } from '../options.js';

/** Writes `data` to `path` atomically: a temporary file in the same folder, then a rename. */
async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  const temp = resolve(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Fails early, naming the folder, when `--out` points into a folder that is missing or a file. */
async function checkFolder(folder: string, given: string): Promise<void> {
  const info = await stat(folder).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
  if (info?.isDirectory() !== true) {
    throw new UsageError(
      `--out ${given}: the folder ${folder} does not exist: create it first (mkdir -p) or write elsewhere`,
    );
  }
}

/** `cytorx window --image ID -x X -y Y --width W --height H --out FILE`: one region of an image. */
export const windowCommand = defineCommand({
  command: 'window',
  options: ['connection', 'requests'],
  describe: 'download one region of an image (x, y = top-left corner in full-resolution pixels)',
  builder: (y) =>
    y
      .option('image', { type: 'number', demandOption: true, describe: 'image id' })
      .option('x', { type: 'number', demandOption: true, describe: 'left edge, px from the left' })
      .option('y', { type: 'number', demandOption: true, describe: 'top edge, px from the top' })
      .option('width', { alias: 'w', type: 'number', demandOption: true, describe: 'width in px' })
      .option('height', { type: 'number', demandOption: true, describe: 'height in px (-h is --help)' })
      .option('format', {
        type: 'string',
        choices: ['png', 'jpg'] as const,
        describe: 'default: from --out, else png',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'file to write (replaced atomically)' })
      .check(checkIds('image'))
      .check(
        checkNumbers({
          x: integerAtLeast(0),
          y: integerAtLeast(0),
          width: integerAtLeast(1),
          height: integerAtLeast(1),
        }),
      ),
  handler: async (args, ctx) => {
    const format = args.format ?? (/\.jpe?g$/i.test(args.out) ? 'jpg' : 'png');
    const out = resolve(ctx.io.cwd, args.out);
    await checkFolder(dirname(out), args.out);
    const [{ getImageWindow }, { firstValueFrom }] = await Promise.all([
      import('@cytorx/core'),
      import('rxjs'),
    ]);
    const bytes = await firstValueFrom(
      getImageWindow(await ctx.client(), args.image, {
        x: args.x,
        y: args.y,
        width: args.width,
        height: args.height,
        format,
        ...(ctx.io.signal !== undefined ? { signal: ctx.io.signal } : {}),
      }),
    );
    await writeAtomically(out, bytes);
    ctx.message(
      `wrote ${out} (${bytes.byteLength} bytes, ${args.width}x${args.height} ${format} at ${args.x},${args.y})`,
    );
  },
});
