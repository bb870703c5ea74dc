import type { Annotation, AnnotationQuery } from '@cytorx/core';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { checkIds, isoDate } from '../options.js';
import type { Column } from '../output.js';

const columns: ReadonlyArray<Column<Annotation>> = [
  { header: 'ID', value: (a) => a.id, align: 'right' },
  { header: 'IMAGE', value: (a) => a.image, align: 'right' },
  { header: 'USER', value: (a) => a.user, align: 'right' },
  { header: 'TERMS', value: (a) => a.term.join(','), maxWidth: 24 },
  {
    header: 'AREA',
    value: (a) => (a.area === undefined ? undefined : Math.round(a.area * 100) / 100),
    align: 'right',
  },
  { header: 'UNIT', value: (a) => a.areaUnit as string | undefined },
  { header: 'CREATED', value: (a) => isoDate(a.created) },
];

const withLocation: ReadonlyArray<Column<Annotation>> = [
  ...columns,
  { header: 'LOCATION', value: (a) => a.location, maxWidth: 60 },
];

/** `cytorx annotations (--project ID | --image ID) [--term ID...] [--user ID...] [--wkt]`. */
export const annotationsCommand = defineCommand({
  command: 'annotations',
  describe: 'list the annotations of a project or an image (normalised objects with --json/--ndjson)',
  builder: (y) =>
    y
      .option('project', { type: 'number', describe: 'project id' })
      .option('image', { type: 'number', describe: 'image id' })
      .option('term', {
        type: 'number',
        array: true,
        describe: 'only annotations with one of these term ids',
      })
      .option('user', { type: 'number', array: true, describe: 'only annotations created by these user ids' })
      .option('wkt', { type: 'boolean', default: false, describe: 'include the geometry (WKT `location`)' })
      .check(checkIds('project', 'image', 'term', 'user'))
      .check((a) => {
        if (a.project === undefined && a.image === undefined)
          throw new UsageError('give --project ID or --image ID');
        return true;
      }),
  handler: async (args, ctx) => {
    const query: AnnotationQuery = { showMeta: true, showTerm: true, showGIS: true, showWKT: args.wkt };
    if (args.project !== undefined) query.project = args.project;
    if (args.image !== undefined) query.image = args.image;
    if (args.term !== undefined && args.term.length > 0) query.terms = args.term;
    if (args.user !== undefined && args.user.length > 0) query.users = args.user;
    const { listAnnotations } = await import('@cytorx/core');
    await ctx.print(listAnnotations(await ctx.client(), query), args.wkt ? withLocation : columns);
  },
});
