import { OVERVIEW_CSS } from './overview-style.js';
import type { ExportedImage, ExportView, ExportWarning } from './read-export.js';

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A relative link to a file of the export (each segment percent-encoded). */
export function href(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const utc = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** Names and colours of the classes (class id → name, `#rrggbb`). */
export interface ClassLook {
  name(id: number): string;
  color(id: number): string;
}

/** What the header shows besides the export's own facts. */
export interface PageExtras {
  server: string | undefined;
  builtAt: Date;
  /** Mask pixels per class over all images, and whether every image's were counted exactly. */
  maskPixels: ReadonlyMap<number, number>;
  maskPixelsExact: boolean;
  thumbnails: string;
}

function optionText(view: ExportView): Array<[string, string]> {
  const o = view.options;
  const rows: Array<[string, string]> = [];
  const set = (label: string, v: unknown) => {
    if (v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0)) return;
    rows.push([
      label,
      Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]);
  };
  set('formats', o.formats);
  set('max size', o.maxSize);
  set('zoom', o.zoom);
  if (view.tile !== undefined) {
    set('tiles', `${view.tile.size} px, overlap ${view.tile.overlap}, ${view.tile.select}`);
  }
  set('overlap', o.overlap);
  set('multi-term', o.multiTerm);
  set('coords', o.coords);
  set('with images', o.withImages);
  set(
    'split',
    o.split === null || o.split === undefined
      ? undefined
      : `${String(o.split)} (seed ${String(o.seed ?? 0)})`,
  );
  set('images', o.images);
  set('terms', o.terms);
  set('users', o.users);
  set('reviewed only', o.reviewed);
  set('after', o.after);
  set('shard', o.shard);
  return rows;
}

/** Everything before the first card: head, header (facts, options, legend, totals), toggles. */
export function pageHead(view: ExportView, look: ClassLook, extras: PageExtras): string {
  const t = view.totals;
  const facts: Array<[string, string]> = [
    ['project', `${view.project.name} (id ${view.project.id})`],
    ['server', extras.server ?? 'not recorded'],
    ['exported', `${utc(view.exportedAt)}${view.complete ? '' : ' (incomplete export)'}`],
    ['overview built', utc(extras.builtAt)],
    ['thumbnails', extras.thumbnails],
    ...optionText(view),
  ];
  const legend = view.classTotals
    .map(
      (c) =>
        `<tr data-class-id="${c.id}"><td><span class="swatch" style="background:${look.color(c.id)}"></span> ${esc(c.name)}</td><td class="n">${c.id}</td><td class="n">${fmt(c.features)}</td><td class="n" data-mask-px="${Math.round(extras.maskPixels.get(c.id) ?? 0)}">${extras.maskPixelsExact ? '' : '≈ '}${fmt(extras.maskPixels.get(c.id) ?? 0)}</td></tr>`,
    )
    .join('\n');
  const totals: Array<[string, unknown]> = [
    ['images', t.images],
    ['annotations', t.annotations],
    ['features', t.features],
    ['skipped', t.skipped],
    ['warnings', t.warnings],
    ['contested mask px', t.contestedPixels],
    ['files', t.files],
  ];
  const byCode = Object.entries(view.warningsByCode)
    .map(([code, n]) => `<tr><td>${esc(code)}</td><td class="n">${fmt(n)}</td></tr>`)
    .join('');
  const failures = view.writers
    .filter((w) => w.failed)
    .map((w) => `<p class="note">writer ${esc(w.writer)} failed: ${esc(w.errors.join('; '))}</p>`)
    .join('');
  const runWarnings = view.runWarnings.map((w) => `<li>${esc(w.code)}: ${esc(w.message)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(view.project.name)} · cytorx overview</title>
<style>${OVERVIEW_CSS}</style>
</head>
<body>
<input type="checkbox" class="toggle" id="show-masks" checked>
<input type="checkbox" class="toggle" id="only-flagged">
<input type="checkbox" class="toggle" id="dim-slides" checked>
<header>
<h1>${esc(view.project.name)} <small>cytorx export overview</small></h1>
<div class="panels">
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<table class="legend"><thead><tr><th>class</th><th class="n">id</th><th class="n">annotations</th><th class="n">mask px</th></tr></thead><tbody>
${legend}
</tbody></table>
<table class="totals"><tbody>${totals.map(([k, v]) => `<tr><td>${esc(k)}</td><td class="n" data-total="${esc(k)}">${fmt(Number(v ?? 0))}</td></tr>`).join('')}</tbody></table>
${byCode === '' ? '' : `<table class="codes"><thead><tr><th>warning</th><th class="n">count</th></tr></thead><tbody>${byCode}</tbody></table>`}
</div>
${failures}${runWarnings === '' ? '' : `<details><summary>${view.runWarnings.length} warnings not tied to an image</summary><ul>${runWarnings}</ul></details>`}
</header>
<div class="controls"><label for="show-masks">masks</label><label for="dim-slides">pale slides</label><label for="only-flagged">only images with warnings or without annotations</label><span class="meta">${extras.maskPixelsExact ? 'mask px: counted at the mask scale' : 'mask px: ≈ estimated from the thumbnails where a mask is over 64 Mpx or has no GeoJSON'}</span></div>
<main>
`;
}

/** One card's inputs. */
export interface CardInput {
  image: ExportedImage;
  width: number;
  height: number;
  thumbSrc: string | undefined;
  overlaySrc: string | undefined;
  /** Mask pixels per class: counted exactly, or estimated from the thumbnail. */
  maskPixels: ReadonlyMap<number, number>;
  maskPixelsExact: boolean;
  warnings: ReadonlyArray<ExportWarning & { skipped: boolean }>;
  notes: readonly string[];
  links: ReadonlyArray<[label: string, href: string, title: string]>;
  tiles: { total: number; written: number } | undefined;
}

const MAX_MESSAGES = 50;

function groupCounts(list: ReadonlyArray<ExportWarning>): string {
  const counts = new Map<string, number>();
  for (const w of list) {
    const key = `${w.code} (${w.stage})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `<li>${esc(k)}: ${n}</li>`).join('');
}

/** One image's card. */
export function card(input: CardInput, look: ClassLook): string {
  const { image } = input;
  const skipped = input.warnings.filter((w) => w.skipped);
  const others = input.warnings.filter((w) => !w.skipped);
  const badges: string[] = [];
  if (image.annotations === 0)
    badges.push('<span class="badge bad" data-flag="no-annotations">no annotations</span>');
  else if (image.features === 0)
    badges.push('<span class="badge bad" data-flag="no-features">no feature exported</span>');
  if (skipped.length > 0) badges.push(`<span class="badge">${skipped.length} skipped</span>`);
  if (others.length > 0) badges.push(`<span class="badge">${others.length} warnings</span>`);
  if (image.contestedPixels > 0)
    badges.push(`<span class="badge">${fmt(image.contestedPixels)} contested px</span>`);
  const flagged =
    image.annotations === 0 || image.features === 0 || input.warnings.length > 0 || image.contestedPixels > 0;
  const rows = Object.entries(image.classes)
    .map(([id, n]) => {
      const c = Number(id);
      const px = input.maskPixels.get(c) ?? 0;
      return `<tr data-class-id="${c}" data-count="${n}"><td><span class="swatch" style="background:${look.color(c)}"></span> ${esc(look.name(c))}</td><td class="n">${fmt(n)}</td><td class="n" data-mask-px="${Math.round(px)}">${input.maskPixelsExact ? '' : '≈ '}${fmt(px)} px</td></tr>`;
    })
    .join('');
  const messages = input.warnings
    .slice(0, MAX_MESSAGES)
    .map((w) => `<li>${w.skipped ? 'skipped: ' : ''}${esc(w.code)} (${esc(w.stage)}): ${esc(w.message)}</li>`)
    .join('');
  const more = input.warnings.length - MAX_MESSAGES;
  const warnings =
    input.warnings.length === 0
      ? ''
      : `<details><summary>${skipped.length} skipped, ${others.length} other warnings</summary><ul>${groupCounts(skipped)}${groupCounts(others)}</ul><ul>${messages}${more > 0 ? `<li>and ${more} more in report.json</li>` : ''}</ul></details>`;
  const canvas = `${Math.ceil(image.width * image.scale)}×${Math.ceil(image.height * image.scale)}`;
  const tiles =
    input.tiles === undefined ? '' : ` · ${input.tiles.written} of ${input.tiles.total} tiles written`;
  const imgs = [
    input.thumbSrc === undefined
      ? ''
      : `<img class="thumb" src="${esc(input.thumbSrc)}" width="${input.width}" height="${input.height}" alt="slide ${esc(image.name ?? image.id)}">`,
    input.overlaySrc === undefined
      ? ''
      : `<img class="overlay" src="${esc(input.overlaySrc)}" width="${input.width}" height="${input.height}" alt="mask of ${esc(image.name ?? image.id)}">`,
  ].join('');
  return `<article class="card${flagged ? ' flagged' : ''}" id="image-${image.id}" data-image-id="${image.id}" data-annotations="${image.annotations}" data-features="${image.features}" data-skipped="${skipped.length}" data-warnings="${others.length}">
<h2>${esc(image.name ?? `image ${image.id}`)} <span class="id">#${image.id}</span></h2>
<div class="slide" style="aspect-ratio:${input.width}/${input.height}">${imgs}</div>
<p class="meta">${image.width}×${image.height} px · scale ${image.scale} · mask ${canvas}${tiles}</p>
${badges.join('')}${input.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}
<table><thead><tr><th>class</th><th class="n">annotations</th><th class="n">mask</th></tr></thead><tbody>${rows}</tbody></table>
${warnings}
<p class="links">${input.links.map(([label, link, title]) => `<a href="${esc(href(link))}" title="${esc(title)}">${esc(label)}</a>`).join('')}</p>
</article>
`;
}

/** The end of the page. */
export function pageTail(): string {
  return `</main>
<footer>Written by cytorx. Masks are drawn from the exported features at thumbnail scale with the export's pixel rule and overlap order; outlines are the annotations' edges. Rebuild with <code>cytorx overview DIR</code>.</footer>
</body>
</html>
`;
}
