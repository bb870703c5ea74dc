/** No component, no edge. @internal */
export const NONE = -1;
/** The label of the virtual rows above the first row and below the last. @internal */
export const OUTSIDE = -1;

/** The runs of one row: start, end (exclusive), label, component, left and right edges. @internal */
export class RowRuns {
  start: Int32Array;
  end: Int32Array;
  label: Int16Array;
  comp: Int32Array;
  left: Int32Array;
  right: Int32Array;
  count = 0;

  constructor(width: number) {
    this.start = new Int32Array(width + 1);
    this.end = new Int32Array(width + 1);
    this.label = new Int16Array(width + 1);
    this.comp = new Int32Array(width + 1);
    this.left = new Int32Array(width + 1);
    this.right = new Int32Array(width + 1);
  }

  /** One run of the virtual outside label over the whole row. */
  outside(width: number): void {
    this.start[0] = 0;
    this.end[0] = width;
    this.label[0] = OUTSIDE;
    this.comp[0] = NONE;
    this.count = 1;
  }

  /** The maximal runs of equal values of `width` pixels from `data[offset]`. */
  scan(data: ArrayLike<number>, offset: number, width: number): void {
    let n = 0;
    let x = 0;
    while (x < width) {
      const v = data[offset + x]!;
      const s = x;
      x++;
      while (x < width && data[offset + x] === v) x++;
      this.start[n] = s;
      this.end[n] = x;
      this.label[n] = v;
      n++;
    }
    this.count = n;
  }
}
