/** Encoding and pixel size of a PNG or JPEG, read from its header. */
export interface ImageDimensions {
  format: 'png' | 'jpg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The format and size of an encoded PNG (IHDR) or JPEG (first SOFn marker) without decoding
 * it; `undefined` for anything else (e.g. an HTML error page served with status 200).
 * @internal
 */
export function imageDimensions(bytes: Uint8Array): ImageDimensions | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    return width > 0 && height > 0 ? { format: 'png', width, height } : undefined;
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(pos + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (pos + 9 > bytes.length) return undefined;
      const height = view.getUint16(pos + 5);
      const width = view.getUint16(pos + 7);
      return width > 0 && height > 0 ? { format: 'jpg', width, height } : undefined;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame
    pos += 2 + length;
  }
  return undefined;
}
