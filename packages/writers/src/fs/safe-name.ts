/** Longest segment, in UTF-8 bytes (file systems cap a name at 255 bytes; temp names add ~30). */
const MAX_SEGMENT_BYTES = 120;
/** Longest extension kept when a long name is shortened (`.ome.tiff` fits). */
const MAX_KEPT_EXTENSION = 16;

// Characters never allowed in a segment: path separators, characters Windows forbids, C0/C1
// controls, and invisible format characters (bidi overrides, zero-width, BOM, line separators)
// that make a name display differently from what it is.
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
  /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Device names Windows resolves whatever the folder or extension (`NUL.txt` is the device). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/**
 * Turns any string from server data (an image filename, a term name) into one safe path
 * segment: no separators, no `..`, no NUL, control or invisible format characters, no lone
 * surrogates, no leading dot or dash, no trailing dot or space, no Windows device name, at most
 * 120 UTF-8 bytes (a long name is cut on a character boundary and keeps a short extension).
 * Never empty. Different inputs may map to the same segment: add an id where names must be
 * unique.
 *
 * @param name - Untrusted text.
 * @param fallback - Returned when nothing usable is left (itself made safe). Default `'_'`.
 * @returns A string usable as one file or folder name on POSIX and Windows.
 * @example
 * ```ts
 * import { safeSegment } from '@cytorx/writers';
 * safeSegment('../../etc/passwd'); // '____etc_passwd': no separator, no '..'
 * ```
 */
export function safeSegment(name: string, fallback = '_'): string {
  let s = String(name)
    .normalize('NFC')
    .replace(LONE_SURROGATE, '_')
    .replace(FORBIDDEN, '_')
    .replace(/\.{2,}/g, '_')
    .trim()
    .replace(/^[.\-\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (WINDOWS_DEVICE.test(s)) s = `_${s}`;
  s = truncateUtf8(s, MAX_SEGMENT_BYTES).replace(/[.\s]+$/, '');
  if (s !== '') return s;
  if (fallback === '_') return '_';
  return safeSegment(fallback, '_');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes on a code point boundary, keeping a short extension. */
function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  const dot = s.lastIndexOf('.');
  const ext = dot > 0 && s.length - dot <= MAX_KEPT_EXTENSION ? s.slice(dot) : '';
  const budget = maxBytes - Buffer.byteLength(ext, 'utf8');
  let out = '';
  let used = 0;
  for (const ch of ext === '' ? s : s.slice(0, dot)) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + ext;
}
