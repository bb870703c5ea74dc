import type { Term } from '@cytorx/core';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { checkIds } from '../options.js';
import type { Column } from '../output.js';

const columns: ReadonlyArray<Column<Term>> = [
  { header: 'ID', value: (t) => t.id, align: 'right' },
  { header: 'NAME', value: (t) => t.name },
  { header: 'COLOR', value: (t) => t.color },
  { header: 'ONTOLOGY', value: (t) => t.ontology, align: 'right' },
  { header: 'PARENT', value: (t) => t.parent, align: 'right' },
];

/** `cytorx terms --project ID | --ontology ID`: the terms (classes) of a project's ontology. */
export const termsCommand = defineCommand({
  command: 'terms',
  describe: 'list the terms (classes) of a project or an ontology',
  builder: (y) =>
    y
      .option('project', { type: 'number', describe: 'project id' })
      .option('ontology', { type: 'number', describe: 'ontology id' })
      .conflicts('project', 'ontology')
      .check(checkIds('project', 'ontology'))
      .check((a) => {
        if (a.project === undefined && a.ontology === undefined)
          throw new UsageError('give --project ID or --ontology ID');
        return true;
      }),
  handler: async (args, ctx) => {
    const query =
      args.project !== undefined ? { project: args.project } : { ontology: args.ontology as number };
    const { listTerms } = await import('@cytorx/core');
    await ctx.print(listTerms(await ctx.client(), query), columns);
  },
});
