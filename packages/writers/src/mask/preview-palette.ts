import type { ClassMapping } from '@cytorx/core';

// Used for classes without a colour (distinct, readable on black).
const FALLBACK = [
  0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0xbcf60c, 0xfabebe,
  0x008080, 0xe6beff,
];
const GREY = 0x808080;

function parseColor(color: string | undefined): number | undefined {
  if (color === undefined) return undefined;
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(color.trim());
  if (m === null) return undefined;
  let hex = m[1]!;
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  return Number.parseInt(hex, 16);
}

/**
 * RGB lookup table (256 × 3 bytes) for the colour preview: background (0) black, each class
 * its term colour (or a fixed fallback colour), `unlabeled` and unknown ids grey.
 */
export function previewPalette(classes: ClassMapping): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  const set = (id: number, rgb: number) => {
    lut[id * 3] = (rgb >> 16) & 0xff;
    lut[id * 3 + 1] = (rgb >> 8) & 0xff;
    lut[id * 3 + 2] = rgb & 0xff;
  };
  for (let id = 1; id < 256; id++) set(id, GREY);
  for (const c of classes.classes) {
    if (!Number.isInteger(c.id) || c.id < 1 || c.id > 255) continue;
    set(c.id, parseColor(c.color) ?? FALLBACK[(c.id - 1) % FALLBACK.length]!);
  }
  if (classes.unlabeled >= 1 && classes.unlabeled <= 255) set(classes.unlabeled, GREY);
  return lut;
}

/** Converts class-index rows (PNG layout: filter byte + samples) into RGB rows (same layout). */
export function colorize(
  src: Uint8Array,
  dst: Uint8Array,
  width: number,
  rows: number,
  lut: Uint8Array,
): void {
  const s = width + 1;
  const d = 3 * width + 1;
  for (let r = 0; r < rows; r++) {
    let i = r * s + 1;
    let o = r * d;
    dst[o++] = 0;
    for (let x = 0; x < width; x++, i++) {
      const k = src[i]! * 3;
      dst[o++] = lut[k]!;
      dst[o++] = lut[k + 1]!;
      dst[o++] = lut[k + 2]!;
    }
  }
}
