import { resolve } from 'node:path';
import type { CytomineClient } from '@cytorx/core';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { overviewStep } from '../overview-step.js';

/**
 * `cytorx overview DIR`: (re)builds `overview.html` of an export folder, with thumbnails
 * from the configured server (or the exported images).
 */
export const overviewCommand = defineCommand({
  command: 'overview <dir>',
  describe: 'build overview.html of an export: masks over slide thumbnails, counts, warnings',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'export output directory' })
      .option('thumbnails', {
        choices: ['auto', 'server', 'export', 'none'] as const,
        default: 'auto' as const,
        describe:
          'slide pictures: auto = the exported images if any, else the server (when one is configured), else none',
      })
      .option('thumb-size', { type: 'number', default: 512, describe: 'longest thumbnail side, 16..512 px' })
      .option('thumb-format', {
        choices: ['jpg', 'png'] as const,
        default: 'jpg' as const,
        describe: 'format of the server thumbnails',
      })
      .check((a) => {
        if (!Number.isInteger(a['thumb-size']) || a['thumb-size'] < 16 || a['thumb-size'] > 512) {
          throw new UsageError(`--thumb-size must be an integer in 16..512, got ${String(a['thumb-size'])}`);
        }
        return true;
      }),
  handler: async (args, ctx) => {
    let client: CytomineClient | undefined;
    if (args.thumbnails === 'server') client = await ctx.client();
    else if (args.thumbnails === 'auto') {
      try {
        client = await ctx.client();
      } catch (error) {
        ctx.message(`cytorx overview: no server thumbnails (${(error as Error).message})`);
      }
    }
    const html = await overviewStep(resolve(ctx.io.cwd, args.dir), client, ctx, {
      fatal: true,
      thumbnails: args.thumbnails,
      maxSize: args.thumbSize,
      format: args.thumbFormat,
    });
    ctx.io.stdout.write(`${html ?? ''}\n`);
  },
});
