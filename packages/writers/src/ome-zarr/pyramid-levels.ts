/** One resolution level of a label pyramid. @internal */
export interface PyramidLevel {
  /** Level index: 0 is the batch's own canvas, each next level halves it. */
  index: number;
  width: number;
  height: number;
  /** Scale from the batch's canvas to this level (2^-index). */
  factor: number;
}

/**
 * The levels of a label pyramid over a `width` x `height` canvas: level k is the canvas scaled
 * by 2^-k, `ceil(width / 2^k)` x `ceil(height / 2^k)` (the canvas `--zoom k` gives, since
 * `ceil(ceil(x) / n) = ceil(x / n)` for an integer n), down to the first level that fits in one
 * `chunkSize` x `chunkSize` chunk. @internal
 */
export function pyramidLevels(width: number, height: number, chunkSize: number): PyramidLevel[] {
  const levels: PyramidLevel[] = [];
  for (let k = 0; ; k++) {
    const factor = 2 ** -k;
    const level = { index: k, width: Math.ceil(width * factor), height: Math.ceil(height * factor), factor };
    levels.push(level);
    if (Math.max(level.width, level.height) <= chunkSize) return levels;
  }
}
