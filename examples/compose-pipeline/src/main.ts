// `node examples/compose-pipeline/dist/main.js PROJECT_ID [OUT]` (after `pnpm build`), with
// CYTOMINE_HOST, CYTOMINE_PUBLIC_KEY and CYTOMINE_PRIVATE_KEY set (a server, or `cytorx emulator`).
import { createClient } from '@cytorx/core';
import { exportDataset } from './export-dataset.js';

const [project, out = './dataset'] = process.argv.slice(2);
const { CYTOMINE_HOST: host, CYTOMINE_PUBLIC_KEY: publicKey, CYTOMINE_PRIVATE_KEY: privateKey } = process.env;
if (project === undefined || host === undefined || publicKey === undefined || privateKey === undefined) {
  console.error(
    'usage: CYTOMINE_HOST=... CYTOMINE_PUBLIC_KEY=... CYTOMINE_PRIVATE_KEY=... node main.js PROJECT_ID [OUT]',
  );
  process.exit(2);
}
const client = createClient({ host, publicKey, privateKey });
try {
  const { summaries, warnings } = await exportDataset(client, Number(project), out);
  for (const s of summaries) console.log(`${s.writer}: ${s.files.length} files, ${s.items} items`);
  console.log(`${warnings.filter((w) => w.skipped).length} annotations skipped, ${warnings.length} warnings`);
} finally {
  await client.close();
}
