// A Cytomine project to GeoJSON, label masks and COCO, composed by hand from the public
// operators of @cytorx/core and the writers of @cytorx/writers. This is the core of what
// `cytorx export` does (that command adds images in parallel, resume, shards and a report).
//
// Run it against any Cytomine server (or `cytorx emulator`):
//   CYTOMINE_HOST=http://127.0.0.1:8080 CYTOMINE_PUBLIC_KEY=... CYTOMINE_PRIVATE_KEY=... \
//     node examples/compose-pipeline/pipeline.mjs PROJECT_ID ./dataset
import { pathToFileURL } from 'node:url';
import {
  classMappingToJson,
  clipToImage,
  createClient,
  defaultClassMapping,
  groupByImage,
  listAnnotations,
  listImages,
  listTerms,
  mapClasses,
  parseWkt,
  repair,
  resolveTerms,
  toImageSpace,
} from '@cytorx/core';
import { cocoWriter, createWriterContext, geojsonWriter, maskWriter, writeTo } from '@cytorx/writers';
import { concatMap, from, lastValueFrom, toArray } from 'rxjs';

/**
 * Exports `project` into `out`; resolves with the writers' `done` event and every warning
 * (skipped annotations with their reasons).
 */
export async function run({ host, publicKey, privateKey, project, out }) {
  const client = createClient({ host, publicKey, privateKey });
  try {
    const terms = await lastValueFrom(listTerms(client, { project }).pipe(toArray()));
    const images = await lastValueFrom(listImages(client, project).pipe(toArray()));
    const classes = defaultClassMapping(terms); // ontology terms sorted by id -> 1..N, 255 unlabeled
    const warnings = [];
    const onWarning = (w) => warnings.push(w);
    const ctx = await createWriterContext({ out, classes, warn: onWarning });
    await ctx.out.writeFile('classes.json', classMappingToJson(classes));

    const done = await lastValueFrom(
      from(images).pipe(
        // One image at a time, so each image's features arrive together for groupByImage.
        concatMap((image) => listAnnotations(client, { image: image.id })),
        parseWkt({ images: new Map(images.map((im) => [im.id, im])), onWarning }), // WKT -> GeoJSON
        toImageSpace(), // Cytomine's bottom-left origin -> image pixels, y down (y = H - y)
        resolveTerms(terms, { onWarning }),
        mapClasses({ mapping: classes, onWarning }), // term -> class id
        repair({ onWarning }), // bow-ties and other invalid rings made valid (even-odd)
        clipToImage({ onWarning }),
        groupByImage({ images }), // one batch per image, images without annotations included
        writeTo(ctx, geojsonWriter(), maskWriter(), cocoWriter()),
      ),
    );
    return { done, warnings };
  } finally {
    await client.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [project, out = './dataset'] = process.argv.slice(2);
  const {
    CYTOMINE_HOST: host,
    CYTOMINE_PUBLIC_KEY: publicKey,
    CYTOMINE_PRIVATE_KEY: privateKey,
  } = process.env;
  if (!project || !host) {
    console.error(
      'usage: CYTOMINE_HOST=... CYTOMINE_PUBLIC_KEY=... CYTOMINE_PRIVATE_KEY=... node pipeline.mjs PROJECT_ID [OUT]',
    );
    process.exit(2);
  }
  const { done, warnings } = await run({ host, publicKey, privateKey, project: Number(project), out });
  for (const s of done.summaries) console.log(`${s.writer}: ${s.files.length} files, ${s.items} items`);
  console.log(`${warnings.filter((w) => w.skipped).length} annotations skipped, ${warnings.length} warnings`);
}
