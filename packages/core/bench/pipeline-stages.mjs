// CPU time of each geometry pipeline stage on the benchmark workloads (bench/workloads).
// Usage (after `pnpm build`): node packages/core/bench/pipeline-stages.mjs [workload-2048-10000 ...]
// Workloads: committed or generated from a seed, digest-checked (flat rings, taken here as Cytomine WKT).
import { count, from, lastValueFrom, toArray } from 'rxjs';
import { loadWorkload } from '../../../bench/workloads/workloads.mjs';
import {
  clipToImage,
  groupByImage,
  mapClasses,
  parseWkt,
  repair,
  resolveTerms,
  tile,
  toImageSpace,
} from '../dist/index.js';

const names =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['workload-2048-10000', 'workload-8192-10000'];

const ring = (flat) => {
  const pts = [];
  for (let k = 0; k < flat.length; k += 2) pts.push(`${flat[k]} ${flat[k + 1]}`);
  pts.push(`${flat[0]} ${flat[1]}`);
  return `(${pts.join(', ')})`;
};

const cpu = async (f) => {
  const c0 = process.cpuUsage();
  const r = await f();
  const c = process.cpuUsage(c0);
  return [(c.user + c.system) / 1000, r];
};

for (const name of names) {
  const d = loadWorkload(name);
  const image = { id: 1, width: d.width, height: d.height };
  const annotations = d.annotations.map((a, i) => ({
    id: i + 1,
    image: 1,
    term: [1],
    location: `POLYGON (${a.polygons.map(ring).join(', ')})`,
  }));
  const terms = [{ id: 1, name: 'class' }];
  const run = (src, ...ops) => lastValueFrom(from(src).pipe(...ops, toArray()));
  for (let rep = 0; rep < 3; rep++) {
    const [tp, parsed] = await cpu(() => run(annotations, parseWkt({ images: image })));
    const [tf, flipped] = await cpu(() => run(parsed, toImageSpace()));
    const [tm, mapped] = await cpu(() => run(flipped, resolveTerms(terms), mapClasses({ terms })));
    const [tr, repaired] = await cpu(() => run(mapped, repair()));
    const [tc, clipped] = await cpu(() => run(repaired, clipToImage()));
    const [tt, tiles] = await cpu(() =>
      lastValueFrom(from(clipped).pipe(groupByImage(), tile({ size: 512 }), count())),
    );
    const [tu] = await cpu(() =>
      lastValueFrom(from(clipped).pipe(groupByImage(), tile({ size: 512, clip: false }), count())),
    );
    const total = tp + tf + tm + tr + tc;
    console.log(
      `${name} run ${rep + 1}: parseWkt ${tp.toFixed(0)} ms | toImageSpace ${tf.toFixed(0)} | resolveTerms+mapClasses ${tm.toFixed(0)} | repair ${tr.toFixed(0)} | clipToImage ${tc.toFixed(0)} => ${total.toFixed(0)} ms CPU, ${((annotations.length / total) * 1000).toFixed(0)} annotations/s (${clipped.length} out) | groupByImage+tile(512) ${tt.toFixed(0)} ms for ${tiles} tiles, clip:false ${tu.toFixed(0)} ms`,
    );
  }
}
