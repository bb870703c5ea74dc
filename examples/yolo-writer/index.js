// A complete third-party cytorx writer: YOLO segmentation labels.
//
//   cytorx export --project 12 --out ./dataset --with-images \
//     --writer ./examples/yolo-writer/index.js --writer-option names=Tumour,Stroma
//
// It depends on nothing at run time: it only implements the public writer contract of
// @cytorx/writers (the types below are for editors; nothing is imported). Output, next to the
// export's images/ folder so Ultralytics finds labels by replacing /images/ with /labels/:
//   labels/{imageId}.txt          one line per polygon: `class x1 y1 x2 y2 ...`, normalised to [0, 1]
//   labels/{imageId}/{x}_{y}.txt  the same for a tile
//   data.yaml                     the class names, index = line class
//
// YOLO polygons have no holes: a polygon's outer ring is written and each dropped hole is
// reported as a warning. Annotations whose class has no YOLO index (unlabeled, or not in
// `names`) are skipped with a warning.

/**
 * @typedef {import('@cytorx/writers').Writer} Writer
 * @typedef {import('@cytorx/writers').WriterContext} WriterContext
 * @typedef {import('@cytorx/core').ImageBatch} ImageBatch
 * @typedef {import('@cytorx/core').Feature} Feature
 */

/**
 * @typedef {object} YoloWriterOptions
 * @property {string[] | string} [names] Class names in YOLO index order (a list or "a,b,c");
 *   classes not listed are skipped. Default: the run's classes by id (index = class id - 1
 *   when ids run 1..n).
 * @property {number} [decimals] Decimals of the normalised coordinates. Default 6.
 * @property {string} [dir] Folder of the label files. Default "labels".
 */

/**
 * Makes the YOLO writer. Options arrive as plain data (parsed from `key=value` or JSON).
 * @param {YoloWriterOptions} [options]
 * @returns {Writer}
 */
export default function yoloWriter(options = {}) {
  const decimals = options.decimals ?? 6;
  const dir = options.dir ?? 'labels';
  if (!Number.isInteger(decimals) || decimals < 1 || decimals > 12) {
    throw new Error(`decimals must be an integer 1..12, got ${JSON.stringify(options.decimals)}`);
  }
  if (typeof dir !== 'string' || dir === '') throw new Error('dir must be a non-empty string');
  const names =
    options.names === undefined
      ? undefined
      : typeof options.names === 'string'
        ? options.names.split(',').map((s) => s.trim())
        : options.names;
  if (
    names !== undefined &&
    (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === ''))
  ) {
    throw new Error('names must be a list of class names');
  }

  /** @type {string[]} */
  const files = [];
  let items = 0;
  let warnings = 0;

  /** @type {Map<number, number>} class id -> YOLO index */
  const index = new Map();
  /** @type {string[]} YOLO index -> name */
  const indexNames = [];

  return {
    name: 'yolo',

    open(ctx) {
      // Dense indices 0..n-1 (YOLO needs them): the given names, else the classes by id
      // (index = class id - 1 when ids run 1..n, as cytorx's ontology mapping makes them).
      const classes = [...ctx.classes.classes]
        .filter((c) => c.id !== ctx.classes.unlabeled)
        .sort((a, b) => a.id - b.id);
      for (const c of classes) {
        const i = names === undefined ? indexNames.length : names.indexOf(c.name);
        if (i >= 0) index.set(c.id, i);
        if (names === undefined) indexNames.push(c.name);
      }
      if (names !== undefined) indexNames.push(...names);
    },

    async write(batch, ctx) {
      const { width, height } = batch.canvas;
      const fmt = (v, size) => Math.min(1, Math.max(0, v / size)).toFixed(decimals);
      const lines = [];
      for (const f of batch.features) {
        const cls = f.classId === undefined ? undefined : index.get(f.classId);
        if (cls === undefined) {
          warnings++;
          ctx.warn({
            code: 'UNMAPPED_TERM',
            stage: 'yolo',
            message: `annotation ${f.annotationId}: class ${f.className ?? f.classId} has no YOLO index; skipped`,
            annotationId: f.annotationId,
            imageId: batch.image.id,
            skipped: true,
          });
          continue;
        }
        const polygons =
          f.geometry.type === 'Polygon'
            ? [f.geometry.coordinates]
            : f.geometry.type === 'MultiPolygon'
              ? f.geometry.coordinates
              : [];
        for (const [outer, ...holes] of polygons) {
          if (holes.length > 0) {
            warnings++;
            ctx.warn({
              code: 'OTHER',
              stage: 'yolo',
              message: `annotation ${f.annotationId}: ${holes.length} hole(s) dropped (YOLO polygons have none)`,
              annotationId: f.annotationId,
              imageId: batch.image.id,
              skipped: false,
            });
          }
          const pts = outer ?? [];
          const n =
            pts.length > 1 && pts[0][0] === pts.at(-1)[0] && pts[0][1] === pts.at(-1)[1]
              ? pts.length - 1
              : pts.length;
          if (n < 3) continue;
          const coords = [];
          for (let i = 0; i < n; i++) coords.push(fmt(pts[i][0], width), fmt(pts[i][1], height));
          lines.push(`${cls} ${coords.join(' ')}`);
          items++;
        }
      }
      // Same naming as the built-in writers: the image id, or {imageId}/{x}_{y} for a tile.
      const key = batch.tile ? `${batch.image.id}/${batch.canvas.x}_${batch.canvas.y}` : `${batch.image.id}`;
      const rel = `${dir}/${key}.txt`;
      // Atomic and confined to the output directory: always write through ctx.out.
      await ctx.out.writeFile(rel, lines.length > 0 ? `${lines.join('\n')}\n` : '');
      files.push(rel);
    },

    async close(ctx) {
      if (!ctx.signal.aborted) {
        const yaml = [
          '# YOLO dataset written by cytorx-writer-yolo',
          'path: .',
          'train: images',
          'val: images',
          'names:',
          ...indexNames.map((n, i) => `  ${i}: ${JSON.stringify(n)}`),
          '',
        ].join('\n');
        await ctx.out.writeFile('data.yaml', yaml);
        files.push('data.yaml');
      }
      return { writer: 'yolo', files: [...files].sort(), items, warnings, details: { decimals } };
    },
  };
}
