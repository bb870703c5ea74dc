import { CytorxError } from './cytorx-error.js';

/** A writer hook failed (code `CYTORX_WRITER`): names the writer, the hook and the item. */
export class WriterError extends CytorxError {
  readonly writer: string;
  readonly hook: 'open' | 'write' | 'close';
  /** The item being written (image id, or `image/x_y` for a tile), when the hook had one. */
  readonly item: string | undefined;

  constructor(
    details: { writer: string; hook: 'open' | 'write' | 'close'; item?: string },
    options?: { cause?: unknown },
  ) {
    const causeMsg = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'CYTORX_WRITER',
      `writer "${details.writer}" failed in ${details.hook}${details.item !== undefined ? ` for ${details.item}` : ''}${causeMsg}`,
      options,
    );
    this.writer = details.writer;
    this.hook = details.hook;
    this.item = details.item;
  }
}
