import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { checkIds } from '../options.js';

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

/** `cytorx window --image ID --x X --y Y --w W --h H --out FILE`: one region of an image. */
export const windowCommand = defineCommand({
  command: 'window',
  describe: 'download one region of an image (x, y = top-left corner in full-resolution pixels)',
  builder: (y) =>
    y
      .option('image', { type: 'number', demandOption: true, describe: 'image id' })
      .option('x', { type: 'number', demandOption: true, describe: 'left edge, px from the left' })
      .option('y', { type: 'number', demandOption: true, describe: 'top edge, px from the top' })
      .option('w', { type: 'number', demandOption: true, describe: 'width in px' })
      .option('h', { type: 'number', demandOption: true, describe: 'height in px' })
      .option('format', {
        type: 'string',
        choices: ['png', 'jpg'] as const,
        describe: 'default: from --out, else png',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'file to write (replaced atomically)' })
      .check(checkIds('image'))
      .check((a) => {
        for (const [name, v, min] of [
          ['x', a.x, 0],
          ['y', a.y, 0],
          ['w', a.w, 1],
          ['h', a.h, 1],
        ] as const) {
          if (!Number.isInteger(v) || v < min)
            throw new UsageError(`--${name} must be an integer >= ${min}, got ${String(v)}`);
        }
        return true;
      }),
  handler: async (args, ctx) => {
    const format = args.format ?? (/\.jpe?g$/i.test(args.out) ? 'jpg' : 'png');
    const out = resolve(ctx.io.cwd, args.out);
    const [{ getImageWindow }, { firstValueFrom }] = await Promise.all([
      import('@cytorx/core'),
      import('rxjs'),
    ]);
    const bytes = await firstValueFrom(
      getImageWindow(await ctx.client(), args.image, {
        x: args.x,
        y: args.y,
        width: args.w,
        height: args.h,
        format,
        ...(ctx.io.signal !== undefined ? { signal: ctx.io.signal } : {}),
      }),
    );
    await writeAtomically(out, bytes);
    ctx.message(
      `wrote ${out} (${bytes.byteLength} bytes, ${args.w}x${args.h} ${format} at ${args.x},${args.y})`,
    );
  },
});
