import type { Feature, PipelineWarning, WarningCode, WarningSink } from './types.js';

/** Builds a warning about a feature and hands it to the sink (internal helper). */
export function warnFeature(
  sink: WarningSink | undefined,
  feature: Pick<Feature, 'annotationId' | 'image'>,
  stage: string,
  code: WarningCode,
  message: string,
  skipped: boolean,
): void {
  if (!sink) return;
  const w: PipelineWarning = {
    code,
    stage,
    message,
    annotationId: feature.annotationId,
    imageId: feature.image.id,
    skipped,
  };
  sink(w);
}
