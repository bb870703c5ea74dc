/** Largest magnitude written digit by digit at up to 9 decimals (see `number`). */
const DIGIT_LIMIT = 2 ** 22;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/**
 * JSON text built in a growing byte buffer (UTF-8), for writers that stream large files:
 * numbers are written digit by digit and ASCII strings byte by byte, so encoding a feature
 * makes no intermediate string per coordinate or per feature. `take()` hands the bytes over
 * (for `AtomicFile.write`) and starts a fresh buffer. Internal to the writers.
 */
export class JsonBytes {
  private buf: Uint8Array;
  /** Bytes written since the last `take()`. */
  length = 0;

  constructor(private readonly capacity = 64 * 1024) {
    this.buf = new Uint8Array(capacity);
  }

  /** The bytes written so far (a view, not a copy); the buffer starts over empty. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.length);
    this.buf = new Uint8Array(Math.max(this.capacity, this.length));
    this.length = 0;
    return out;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  /** Bytes as they are (e.g. pre-encoded JSON fragments). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** One byte (an ASCII character code). */
  byte(code: number): void {
    this.reserve(1);
    this.buf[this.length++] = code;
  }

  /** A JSON string literal (quoted and escaped). ASCII without escapes is copied byte by byte. */
  string(s: string): void {
    const n = s.length;
    this.reserve(n + 2);
    const buf = this.buf;
    let p = this.length;
    buf[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) {
        this.raw(Buffer.from(JSON.stringify(s), 'utf8'));
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 34;
    this.length = p;
  }

  /**
   * A JSON number: `v` rounded to `decimals` places (0..12), written as the shortest decimal
   * that reads back as that rounded value (trailing zeros dropped, `-0` as `0`, no exponent).
   * Below 2^22 in magnitude and at up to 9 decimals it is written digit by digit from the
   * integer `round(v * 10^decimals)`; other values go through `String`. Non-finite values are
   * written as `null`, as `JSON.stringify` does.
   */
  number(v: number, decimals: number): void {
    this.reserve(MAX_NUMBER);
    this.length = writeNumber(this.buf, this.length, v, decimals);
  }

  /**
   * A list of positions (`[[x, y], ...]`, any dimension) as JSON arrays of numbers written by
   * {@link number}, with one capacity check for the whole list. Returns false, having written
   * garbage, when a value is not a finite number (the caller discards the output).
   */
  positions(list: ReadonlyArray<ArrayLike<number>>, decimals: number): boolean {
    let dims = 0;
    for (let i = 0; i < list.length; i++) dims += list[i]!.length;
    this.reserve(2 + list.length * 3 + dims * MAX_NUMBER);
    const buf = this.buf;
    let p = this.length;
    buf[p++] = 91;
    for (let i = 0; i < list.length; i++) {
      const pos = list[i]!;
      if (i > 0) buf[p++] = 44;
      buf[p++] = 91;
      for (let k = 0; k < pos.length; k++) {
        const v = pos[k]!;
        if (typeof v !== 'number' || !Number.isFinite(v)) return false;
        if (k > 0) buf[p++] = 44;
        p = writeNumber(buf, p, v, decimals);
      }
      buf[p++] = 93;
    }
    buf[p++] = 93;
    this.length = p;
    return true;
  }

  /** A safe integer. */
  integer(v: number): void {
    this.reserve(17);
    if (v < 0) {
      this.buf[this.length++] = MINUS;
      v = -v;
    }
    if (v < 2 ** 31) this.length = writeUint31(this.buf, this.length, v);
    else this.unsigned(v);
  }

  /** ASCII text with nothing to escape (JSON punctuation, key fragments, `null`). */
  ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.length;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.length = p;
  }

  /** A non-negative safe integer's digits (space already reserved). */
  private unsigned(v: number): void {
    let len = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) len++;
    const buf = this.buf;
    const p = this.length;
    for (let i = p + len - 1; i >= p; i--) {
      const q = Math.floor(v / 10);
      buf[i] = ZERO + (v - q * 10);
      v = q;
    }
    this.length = p + len;
  }
}

/** Most bytes {@link writeNumber} writes (`String` of a double is at most 24 characters). */
const MAX_NUMBER = 32;

/** Two ASCII digits per value 0..99. */
const PAIRS = (() => {
  const t = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t[2 * i] = ZERO + Math.floor(i / 10);
    t[2 * i + 1] = ZERO + (i % 10);
  }
  return t;
})();

/** {@link JsonBytes.number} into `buf` at `p` (room for MAX_NUMBER bytes); returns the end. */
function writeNumber(buf: Uint8Array, p: number, v: number, decimals: number): number {
  if (!(Math.abs(v) < DIGIT_LIMIT) || decimals > 9) {
    if (!Number.isFinite(v)) return writeAscii(buf, p, 'null');
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER)
      return writeAscii(buf, p, String(v + 0));
    const f = 10 ** decimals;
    return writeAscii(buf, p, String(Math.abs(v) * f < 2 ** 52 ? Math.round(v * f) / f + 0 : v));
  }
  const f = POW10[decimals]!;
  let n = Math.round(v * f);
  if (n < 0) {
    buf[p++] = MINUS;
    n = -n;
  }
  // n < 2^22 * 10^9 < 2^53: the integer part (< 2^22) and the fraction (< 10^9) are exact.
  const int = Math.floor(n / f);
  let frac = n - int * f;
  p = writeUint31(buf, p, int);
  if (frac === 0) return p;
  let end = decimals;
  while (frac % 100 === 0) {
    frac /= 100;
    end -= 2;
  }
  if (frac % 10 === 0) {
    frac /= 10;
    end--;
  }
  buf[p] = DOT;
  let i = p + end;
  for (; i > p + 1; i -= 2) {
    const r = frac % 100;
    frac = (frac - r) / 100;
    buf[i - 1] = PAIRS[2 * r]!;
    buf[i] = PAIRS[2 * r + 1]!;
  }
  if (i === p + 1) buf[i] = ZERO + frac;
  return p + end + 1;
}

function writeAscii(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/** Writes the digits of `v` (an integer in [0, 2^31)) at `p`; returns the end. */
function writeUint31(buf: Uint8Array, p: number, v: number): number {
  const len =
    v < 10
      ? 1
      : v < 100
        ? 2
        : v < 1e3
          ? 3
          : v < 1e4
            ? 4
            : v < 1e5
              ? 5
              : v < 1e6
                ? 6
                : v < 1e7
                  ? 7
                  : v < 1e8
                    ? 8
                    : v < 1e9
                      ? 9
                      : 10;
  let i = p + len - 1;
  for (; i > p; i -= 2) {
    const r = v % 100;
    v = (v - r) / 100;
    buf[i - 1] = PAIRS[2 * r]!;
    buf[i] = PAIRS[2 * r + 1]!;
  }
  if (i === p) buf[i] = ZERO + v;
  return p + len;
}

/** The UTF-8 bytes of an ASCII JSON fragment, for {@link JsonBytes.raw}. */
export function asciiBytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}
