import type { CytomineClient } from '@cytorx/core';
import type { OverviewOptions } from '@cytorx/writers';
import type { CommandContext } from './context.js';

/**
 * Builds `overview.html` in an export folder (`buildOverview` of @cytorx/writers) and says
 * where it is on stderr. Unless `fatal` (as after an export, where the page is a bonus and
 * the dataset is written), a failure is reported, not thrown; an interruption (Ctrl-C)
 * always stops the command.
 * @returns the absolute path of overview.html, or undefined when it could not be written
 * @internal
 */
export async function overviewStep(
  dir: string,
  client: CytomineClient | undefined,
  ctx: CommandContext,
  { fatal = false, ...options }: Omit<OverviewOptions, 'client' | 'signal'> & { fatal?: boolean } = {},
): Promise<string | undefined> {
  const { buildOverview } = await import('@cytorx/writers');
  try {
    const s = await buildOverview(dir, {
      ...options,
      ...(client === undefined ? {} : { client }),
      ...(ctx.io.signal === undefined ? {} : { signal: ctx.io.signal }),
    });
    const t = s.thumbnails;
    ctx.message(
      `overview: ${s.images} images (thumbnails: ${t.server} from the server, ${t.export} from exported images, ${t.none} without${s.notes > 0 ? `; ${s.notes} with a note` : ''}): ${s.html}`,
    );
    return s.html;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'CYTORX_ABORTED' || fatal) throw error;
    ctx.message(`overview not written: ${(error as Error).message}`);
    return undefined;
  }
}
