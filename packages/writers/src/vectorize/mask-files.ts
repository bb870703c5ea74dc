import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@cytorx/core';

/** One image's mask: a single PNG, or a folder of tiles `{x}_{y}.png` (canvas pixels). */
export type MaskImage =
  | { imageId: number; kind: 'file'; path: string }
  | { imageId: number; kind: 'tiles'; dir: string; tiles: Array<{ x: number; y: number; path: string }> };

/** What an export's manifest.json says about the masks' geometry. */
export interface MaskLayout {
  zoom?: number;
  maxSize?: number;
  tile?: { size: number; overlap: number };
}

/** The masks found under a path, and the export they come from (if any). */
export interface MaskInput {
  images: MaskImage[];
  /** The export's root folder (holds manifest.json and classes.json), when found. */
  root?: string;
  layout: MaskLayout;
}

const MASK_FILE = /^(\d+)_mask\.png$/;
const TILE_FILE = /^(\d+)_(\d+)\.png$/;

/** The export root of a path: the folder itself or its parent, whichever holds manifest.json. */
function exportRoot(dir: string): string | undefined {
  for (const d of [dir, dirname(dir)]) if (existsSync(join(d, 'manifest.json'))) return d;
  return undefined;
}

/** The layout an export's manifest.json records (zoom, maxSize, tile). @internal */
export async function readLayout(root: string): Promise<MaskLayout> {
  const path = join(root, 'manifest.json');
  let doc: { options?: Record<string, unknown> };
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as typeof doc;
  } catch (cause) {
    throw new ConfigError(`${path} is not readable JSON: ${(cause as Error).message}`, { cause });
  }
  const o = doc.options ?? {};
  const layout: MaskLayout = {};
  if (typeof o.zoom === 'number') layout.zoom = o.zoom;
  if (typeof o.maxSize === 'number') layout.maxSize = o.maxSize;
  const t = o.tile as { size?: unknown; overlap?: unknown } | null | undefined;
  if (t && typeof t.size === 'number') {
    layout.tile = { size: t.size, overlap: typeof t.overlap === 'number' ? t.overlap : 0 };
  }
  return layout;
}

/**
 * Finds class-index masks as `cytorx export` writes them: a mask file `{imageId}_mask.png`,
 * or a folder of them (`masks/`, or the export folder holding `masks/`), where an image cut
 * into tiles is a folder `{imageId}/` of `{x}_{y}.png`. Returns `undefined` when the path
 * holds no mask. The export's manifest.json (beside `masks/`) gives zoom and tiling. @internal
 */
export async function findMasks(path: string): Promise<MaskInput | undefined> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    const m = MASK_FILE.exec(basename(path));
    if (!m) return undefined;
    const root = exportRoot(dirname(path));
    return {
      images: [{ imageId: Number(m[1]), kind: 'file', path }],
      ...(root ? { root } : {}),
      layout: root ? await readLayout(root) : {},
    };
  }
  const dir =
    existsSync(join(path, 'masks')) && existsSync(join(path, 'manifest.json')) ? join(path, 'masks') : path;
  const images: MaskImage[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const file = MASK_FILE.exec(entry.name);
    if (entry.isFile() && file) {
      images.push({ imageId: Number(file[1]), kind: 'file', path: join(dir, entry.name) });
    } else if (entry.isDirectory() && /^\d+$/.test(entry.name)) {
      const tiles: Array<{ x: number; y: number; path: string }> = [];
      for (const name of await readdir(join(dir, entry.name))) {
        const t = TILE_FILE.exec(name);
        if (t) tiles.push({ x: Number(t[1]), y: Number(t[2]), path: join(dir, entry.name, name) });
      }
      if (tiles.length > 0) {
        tiles.sort((a, b) => a.y - b.y || a.x - b.x);
        images.push({ imageId: Number(entry.name), kind: 'tiles', dir: join(dir, entry.name), tiles });
      }
    }
  }
  if (images.length === 0) return undefined;
  images.sort((a, b) => a.imageId - b.imageId);
  const root = exportRoot(dir);
  return { images, ...(root ? { root } : {}), layout: root ? await readLayout(root) : {} };
}
