import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ClassMapping, ConfigError, parseClassMapping } from '@cytorx/core';
import type { ImageRecordData } from '../export/image-record.js';

/** One image of report.json `images`: its record, with the number of skipped annotations and warnings. */
export type ExportedImage = Omit<ImageRecordData, 'warnings'> & { skipped: number; warnings: number };

/** A warning of report.json (`skipped` or `warnings`). */
export interface ExportWarning {
  imageId: number | null;
  annotationId: number | null;
  code: string;
  stage: string;
  message: string;
}

/** Tile options of the export (manifest/report `options.tile`). */
export interface ExportTiling {
  size: number;
  overlap: number;
  select: string;
}

/** What an export folder says about itself, as read by `buildOverview`. @internal */
export interface ExportView {
  dir: string;
  project: { id: number; name: string };
  complete: boolean;
  options: Record<string, unknown>;
  classes: ClassMapping;
  tile: ExportTiling | undefined;
  /** GeoJSON frame (`cytomine`: y up from the bottom of the canvas). */
  coords: 'image' | 'cytomine';
  totals: Record<string, number>;
  /** Features per class over the export. */
  classTotals: Array<{ id: number; name: string; features: number }>;
  warningsByCode: Record<string, number>;
  runWarnings: ExportWarning[];
  writers: Array<{ writer: string; outputs: string[]; failed: boolean; errors: string[] }>;
  images: ExportedImage[];
  /** Skipped annotations (`skipped: true`) and other warnings of each image. */
  warningsOf: ReadonlyMap<number, Array<ExportWarning & { skipped: boolean }>>;
  /** COCO split part of each image id (`coco/splits.json`), when split. */
  splits: Record<string, string> | undefined;
  /** When report.json was written. */
  exportedAt: Date;
}

type Json = Record<string, unknown>;

async function readJson(dir: string, rel: string, required: boolean): Promise<Json | undefined> {
  const file = path.join(dir, rel);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(
      `overview: cannot read ${file} (${(error as Error).message}); is ${dir} a finished cytorx export?`,
      { cause: error },
    );
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Json;
  } catch (error) {
    throw new ConfigError(`overview: ${file} is not a cytorx export file (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * Reads report.json (required), classes.json and coco/splits.json of an export folder.
 * @throws ConfigError `CYTORX_CONFIG` when report.json is missing or not an export report.
 * @internal
 */
export async function readExport(dir: string): Promise<ExportView> {
  const report = (await readJson(dir, 'report.json', true))!;
  if (report.cytorx !== 'export-report' || !Array.isArray(report.images)) {
    throw new ConfigError(`overview: ${path.join(dir, 'report.json')} is not a cytorx export report`);
  }
  const options = (report.options ?? {}) as Json;
  const classesJson = await readJson(dir, 'classes.json', false);
  const classes = parseClassMapping(classesJson ?? options.classes ?? { classes: [] }, {
    source: classesJson === undefined ? 'report.json options.classes' : path.join(dir, 'classes.json'),
  });
  const warningsOf = new Map<number, Array<ExportWarning & { skipped: boolean }>>();
  for (const [key, skipped] of [
    ['skipped', true],
    ['warnings', false],
  ] as const) {
    for (const w of (report[key] ?? []) as ExportWarning[]) {
      if (w.imageId === null) continue;
      const list = warningsOf.get(w.imageId);
      if (list === undefined) warningsOf.set(w.imageId, [{ ...w, skipped }]);
      else list.push({ ...w, skipped });
    }
  }
  const splits = (await readJson(dir, 'coco/splits.json', false)) as Record<string, string> | undefined;
  const tile = options.tile as Partial<ExportTiling> | null | undefined;
  const project = (report.project ?? { id: options.project, name: '' }) as { id: number; name: string };
  return {
    dir,
    project,
    complete: report.complete === true,
    options,
    classes,
    tile:
      tile === null || tile === undefined || typeof tile.size !== 'number'
        ? undefined
        : { size: tile.size, overlap: tile.overlap ?? 0, select: tile.select ?? 'all' },
    coords: options.coords === 'cytomine' ? 'cytomine' : 'image',
    totals: (report.totals ?? {}) as Record<string, number>,
    classTotals: (report.classes ?? []) as ExportView['classTotals'],
    warningsByCode: (report.warningsByCode ?? {}) as Record<string, number>,
    runWarnings: (report.runWarnings ?? []) as ExportWarning[],
    writers: (report.writers ?? []) as ExportView['writers'],
    images: report.images as ExportedImage[],
    warningsOf,
    splits,
    exportedAt: (await stat(path.join(dir, 'report.json'))).mtime,
  };
}
