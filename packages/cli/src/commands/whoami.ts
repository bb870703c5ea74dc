import { defineCommand } from '../context.js';
import { withoutSecrets } from '../options.js';

/** `cytorx whoami`: the user the credentials belong to (secret fields never printed). */
export const whoamiCommand = defineCommand({
  command: 'whoami',
  options: ['connection', 'requests', 'output'],
  describe: 'show the user the credentials belong to (checks the connection)',
  builder: (y) => y,
  handler: async (_args, ctx) => {
    const [{ currentUser }, { firstValueFrom }] = await Promise.all([import('@cytorx/core'), import('rxjs')]);
    const user = await firstValueFrom(currentUser(await ctx.client()));
    const safe = withoutSecrets(user);
    if (ctx.format === 'table') {
      ctx.printObject(safe, [
        'id',
        'username',
        'name',
        'fullName',
        'firstname',
        'lastname',
        'email',
        'admin',
      ]);
    } else {
      ctx.printObject(safe);
    }
  },
});
