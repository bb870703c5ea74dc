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

/**
 * `cytorx window --image ID -x X -y Y --width W --height H --out FILE`: one region of an image.
 * The region is checked against the image's size first: a window that starts outside the
 * image is a usage error (exit 2; servers answer it with an all-black picture), one that
 * extends past the right or bottom edge is clipped to the image with a warning on stderr.
 */
export const windowCommand = defineCommand({
  command: 'window',
  options: ['connection', 'requests'],
  describe:
    'download one region of an image (x, y = top-left corner in full-resolution pixels; a window starting outside the image is refused, one extending past its edge is clipped with a warning)',
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
    const [{ getImage, getImageWindow }, { firstValueFrom }] = await Promise.all([
      import('@cytorx/core'),
      import('rxjs'),
    ]);
    const client = await ctx.client();
    const image = await firstValueFrom(getImage(client, args.image));
    const { width, height } = clipWindow(args, image);
    const bytes = await firstValueFrom(
      getImageWindow(client, args.image, {
        x: args.x,
        y: args.y,
        width,
        height,
        format,
        ...(ctx.io.signal !== undefined ? { signal: ctx.io.signal } : {}),
      }),
    );
    if (width !== args.width || height !== args.height) {
      ctx.message(
        `warning: window ${args.x},${args.y} ${args.width}x${args.height} extends past image ${args.image} (${image.width}x${image.height} px): clipped to ${width}x${height}`,
      );
    }
    await writeAtomically(out, bytes);
    ctx.message(
      `wrote ${out} (${bytes.byteLength} bytes, ${width}x${height} ${format} at ${args.x},${args.y})`,
    );
  },
});

/**
 * The window's size clipped to the image.
 * @throws UsageError when the window starts outside the image (or the image has no size).
 */
function clipWindow(
  a: { image: number; x: number; y: number; width: number; height: number },
  image: { width?: number; height?: number },
): { width: number; height: number } {
  const { width: iw, height: ih } = image;
  if (typeof iw !== 'number' || typeof ih !== 'number' || !(iw > 0) || !(ih > 0)) {
    throw new UsageError(
      `image ${a.image} has no usable size (${String(iw)}x${String(ih)}); cannot check the window`,
    );
  }
  if (a.x >= iw || a.y >= ih) {
    const which = a.x >= iw ? `-x ${a.x} is at or past its width` : `-y ${a.y} is at or past its height`;
    throw new UsageError(
      `window ${a.x},${a.y} ${a.width}x${a.height} is outside image ${a.image} (${iw}x${ih} px): ${which}; x and y count from 0 at the top-left corner`,
    );
  }
  return { width: Math.min(a.width, iw - a.x), height: Math.min(a.height, ih - a.y) };
}
