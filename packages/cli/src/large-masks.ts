import { open } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * Pillow's default limit: `Image.open` raises `DecompressionBombError` above twice
 * `Image.MAX_IMAGE_PIXELS` (89,478,485), i.e. 178,956,970 pixels.
 */
export const PIL_MAX_PIXELS = 2 * 89_478_485;

/** A PNG written by the export and its size, read from its header. */
export interface MaskSize {
  path: string;
  width: number;
  height: number;
}

/** Width and height from a PNG's IHDR chunk (bytes 16..24), or undefined if not a PNG. */
async function pngSize(file: string): Promise<{ width: number; height: number } | undefined> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(24);
    const { bytesRead } = await handle.read(head, 0, 24, 0);
    if (bytesRead < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  } finally {
    await handle.close();
  }
}

/**
 * The PNG masks among `files` (relative to `out`) that Pillow refuses to open with its default
 * settings, largest first.
 * @internal
 */
export async function masksOverPilLimit(out: string, files: readonly string[]): Promise<MaskSize[]> {
  const over: MaskSize[] = [];
  for (const path of files) {
    if (!path.endsWith('.png')) continue;
    const size = await pngSize(resolve(out, path));
    if (size !== undefined && size.width * size.height > PIL_MAX_PIXELS) over.push({ path, ...size });
  }
  return over.sort((a, b) => b.width * b.height - a.width * a.height);
}

/** The stderr line about them: which, how large, and what to do. @internal */
export function pilWarning(over: readonly MaskSize[]): string {
  const first = over[0]!;
  const mpx = (m: MaskSize) => `${m.width}x${m.height} px, ${Math.round((m.width * m.height) / 1e6)} Mpx`;
  const which =
    over.length === 1
      ? `mask ${first.path} (${mpx(first)}) is`
      : `${over.length} masks are (largest: ${first.path}, ${mpx(first)})`;
  return (
    `warning: ${which} over Pillow's default limit of ${Math.round(PIL_MAX_PIXELS / 1e6)} Mpx: ` +
    'PIL.Image.open refuses it with DecompressionBombError unless Image.MAX_IMAGE_PIXELS is raised. ' +
    'For smaller files, export with --max-size N (downsampled) or --tile SIZE (tiles).'
  );
}
