import type { Project } from '@cytorx/core';
import { defineCommand } from '../context.js';
import type { Column } from '../output.js';

const columns: ReadonlyArray<Column<Project>> = [
  { header: 'ID', value: (p) => p.id, align: 'right' },
  { header: 'NAME', value: (p) => p.name },
  { header: 'ONTOLOGY', value: (p) => p.ontology, align: 'right' },
  { header: 'IMAGES', value: (p) => p.numberOfImages, align: 'right' },
  { header: 'ANNOTATIONS', value: (p) => p.numberOfAnnotations, align: 'right' },
];

/** `cytorx projects`: the projects the user can see. */
export const projectsCommand = defineCommand({
  command: 'projects',
  describe: 'list the projects you can access',
  builder: (y) => y,
  handler: async (_args, ctx) => {
    const { listProjects } = await import('@cytorx/core');
    await ctx.print(listProjects(await ctx.client()), columns);
  },
});
