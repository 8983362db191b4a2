// What the models' outputs say of one photo: its garment type (the trained heads decide; the ImageNet prior
// only stands in without them), fine label, binary codes and ImageNet tags. One reading for a new photo
// (importer.ts) and for one described again by newer models (redescribe.ts).
import type { GarmentType, Item } from '../../../shared/api.ts';
import { readImagenet } from '../vision/imagenet-tags.ts';
import { readHeads } from '../heads/predict.ts';
import type { BackboneOutput } from '../vision/backbone.ts';

export interface Description {
  type: GarmentType;
  typeConfidence: number;
  fineLabel: string | null;
  fineConfidence: number | null;
  code: Uint8Array | null;
  codes: Uint8Array | null;
  tags: Item['tags'];
}

export function describeOutput(output: BackboneOutput, i: number, labels: readonly string[]): Description {
  const reading = readImagenet(output.probs[i]!, labels);
  const predicted = output.heads ? readHeads(output.heads[i]!) : null;
  return {
    type: predicted?.type ?? reading.type,
    typeConfidence: predicted?.typeConfidence ?? reading.confidence,
    fineLabel: predicted?.fineLabel ?? null,
    fineConfidence: predicted?.fineConfidence ?? null,
    code: predicted?.code ?? null,
    codes: predicted?.codes ?? null,
    tags: reading.tags,
  };
}
