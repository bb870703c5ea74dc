import { UsageError } from './exit-codes.js';

/** The `cytorx export` flags {@link checkFormatFlags} looks at. @internal */
export interface FormatFlags {
  format: string;
  split?: string | undefined;
  seed?: number | undefined;
  'coco-segmentation'?: string | undefined;
  'geojson-flavor'?: string | undefined;
  writer?: string[] | undefined;
}

/**
 * Flags that only shape one output need it in `--format` (`--split`, `--seed`,
 * `--coco-segmentation`: coco; `--geojson-flavor`: geojson), `--seed` needs `--split`, and a
 * built-in `--writer NAME` must not repeat a `--format` output (both would write the same
 * files and the last would silently win).
 * @throws UsageError naming the flag. @internal
 */
export function checkFormatFlags(a: FormatFlags): void {
  const formats = a.format.split(',').map((s) => s.trim());
  if (!formats.includes('coco')) {
    for (const flag of ['split', 'seed', 'coco-segmentation'] as const) {
      if (a[flag] !== undefined) throw new UsageError(`--${flag} needs --format with coco`);
    }
  }
  if (a.seed !== undefined && a.split === undefined) throw new UsageError('--seed needs --split');
  if (a['geojson-flavor'] !== undefined && !formats.includes('geojson')) {
    throw new UsageError('--geojson-flavor needs --format with geojson');
  }
  for (const w of a.writer ?? []) {
    if (!formats.includes(w)) continue;
    const hint =
      w === 'geojson'
        ? ' (--geojson-flavor shapes the --format output)'
        : w === 'coco'
          ? ' (--split and --coco-segmentation shape the --format output)'
          : '';
    throw new UsageError(
      `--writer ${w} writes the same files as --format ${w} (the last one would silently win): give it once${hint}`,
    );
  }
}
