import type { ImageInstance } from '@cytorx/core';
import { defineCommand } from '../context.js';
import { checkIds } from '../options.js';
import type { Column } from '../output.js';

const columns: ReadonlyArray<Column<ImageInstance>> = [
  { header: 'ID', value: (i) => i.id, align: 'right' },
  { header: 'NAME', value: (i) => i.instanceFilename ?? i.originalFilename ?? i.filename },
  { header: 'WIDTH', value: (i) => i.width, align: 'right' },
  { header: 'HEIGHT', value: (i) => i.height, align: 'right' },
  { header: 'MAGNIFICATION', value: (i) => i.magnification, align: 'right' },
  { header: 'ANNOTATIONS', value: (i) => i.numberOfAnnotations as number | undefined, align: 'right' },
];

/** `cytorx images --project ID`: the image instances of a project. */
export const imagesCommand = defineCommand({
  command: 'images',
  describe: 'list the images of a project',
  builder: (y) =>
    y
      .option('project', { type: 'number', demandOption: true, describe: 'project id' })
      .check(checkIds('project')),
  handler: async (args, ctx) => {
    const { listImages } = await import('@cytorx/core');
    await ctx.print(listImages(await ctx.client(), args.project), columns);
  },
});
