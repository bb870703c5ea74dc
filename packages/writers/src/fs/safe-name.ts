const MAX_SEGMENT = 120;

/**
 * Turns any string from server data (an image filename, a term name) into one safe path
 * segment: no separators, no `..`, no NUL or control characters, no leading dot or dash,
 * at most 120 characters. Never empty.
 * @example
 * ```ts
 * import { safeSegment } from '@cytorx/writers';
 * safeSegment('../../etc/passwd'); // '____etc_passwd': no separator, no '..'
 * ```
 */
export function safeSegment(name: string, fallback = '_'): string {
  let s = name
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/\.{2,}/g, '_')
    .trim();
  s = s.replace(/^[.\-\s]+/, '');
  if (s.length > MAX_SEGMENT) s = s.slice(0, MAX_SEGMENT);
  if (s === '') return fallback;
  return s;
}
