// The label sets of the item heads. The fine head predicts the clothing dataset's 17 garment labels plus
// one "unsure" class for its junk labels (Not sure, Other, Skip: photos a real import also meets); the
// coarse garment type is the fine distribution summed per type, so the two can never disagree.
import type { GarmentType } from '../../../shared/api.ts';
import { GARMENT_TYPES } from '../../../shared/api.ts';

/** Fine classes in output order; the last one is "unsure". */
export const FINE_LABELS = [
  'T-Shirt', 'Longsleeve', 'Shirt', 'Polo', 'Undershirt', 'Hoodie', 'Top', 'Blouse', 'Body',
  'Pants', 'Shorts', 'Skirt',
  'Shoes',
  'Dress',
  'Outwear', 'Blazer',
  'Hat',
  'unsure',
] as const;
export type FineLabel = (typeof FINE_LABELS)[number];
export const UNSURE_FINE = FINE_LABELS.length - 1;
/** The kit's junk labels, all mapped to the "unsure" class. */
export const JUNK_LABELS: readonly string[] = ['Not sure', 'Other', 'Skip'];

/** Coarse garment types in output order: the app's GarmentType list ('unknown' = not a garment / unsure). */
export const COARSE_TYPES: readonly GarmentType[] = GARMENT_TYPES;

const COARSE_OF_FINE: Record<FineLabel, GarmentType> = {
  'T-Shirt': 'top', Longsleeve: 'top', Shirt: 'top', Polo: 'top', Undershirt: 'top', Hoodie: 'top', Top: 'top', Blouse: 'top', Body: 'top',
  Pants: 'bottom', Shorts: 'bottom', Skirt: 'bottom',
  Shoes: 'shoes',
  Dress: 'dress',
  Outwear: 'outerwear', Blazer: 'outerwear',
  Hat: 'accessory',
  unsure: 'unknown',
};

/** For each fine class, the index of its coarse type in COARSE_TYPES. */
export const COARSE_INDEX_OF_FINE: readonly number[] = FINE_LABELS.map((f) => COARSE_TYPES.indexOf(COARSE_OF_FINE[f]));

/** The fine class of a kit label (junk labels -> unsure); -1 for a label the heads do not know. */
export function fineIndexOfLabel(label: string): number {
  if (JUNK_LABELS.includes(label)) return UNSURE_FINE;
  return (FINE_LABELS as readonly string[]).indexOf(label);
}

export function coarseOfFine(fine: number): GarmentType {
  return COARSE_TYPES[COARSE_INDEX_OF_FINE[fine]!]!;
}

/** The garment type of a kit label; undefined for the junk labels and labels the heads do not know. */
export function garmentTypeOfLabel(label: string): GarmentType | undefined {
  const fine = fineIndexOfLabel(label);
  return fine < 0 || fine === UNSURE_FINE ? undefined : coarseOfFine(fine);
}

/** Sums a fine distribution per coarse type. */
export function coarseProbs(fine: ArrayLike<number>): Float32Array {
  const out = new Float32Array(COARSE_TYPES.length);
  for (let f = 0; f < FINE_LABELS.length; f++) out[COARSE_INDEX_OF_FINE[f]!]! += fine[f]!;
  return out;
}

export function argmax(v: ArrayLike<number>, from = 0, to = v.length): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
