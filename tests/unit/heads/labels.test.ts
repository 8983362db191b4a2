import { describe, expect, it } from 'vitest';
import { COARSE_TYPES, coarseProbs, FINE_LABELS, garmentTypeOfLabel, UNSURE_FINE } from '../../../electron/core/heads/labels.ts';
import { slotOfLabel } from '../../../electron/core/compat/clothing-prior.ts';

describe('kit labels as garment types (one mapping for the heads, the outfit prior and the benches)', () => {
  it('maps every garment label, and leaves junk and unknown labels out', () => {
    expect(garmentTypeOfLabel('Hoodie')).toBe('top');
    expect(garmentTypeOfLabel('Blazer')).toBe('outerwear');
    expect(garmentTypeOfLabel('Skirt')).toBe('bottom');
    expect(garmentTypeOfLabel('Hat')).toBe('accessory');
    for (const junk of ['Not sure', 'Other', 'Skip', 'unsure', 'Scarf']) expect(garmentTypeOfLabel(junk)).toBeUndefined();
  });

  it('gives an outfit slot only to the types that take part in outfits', () => {
    expect(slotOfLabel('Dress')).toBe('dress');
    expect(slotOfLabel('Outwear')).toBe('outerwear');
    expect(slotOfLabel('Hat')).toBeUndefined();
    expect(slotOfLabel('Other')).toBeUndefined();
  });

  it('agrees with the coarse distribution the type head reports', () => {
    FINE_LABELS.forEach((label, fine) => {
      if (fine === UNSURE_FINE) return;
      const onehot = FINE_LABELS.map((_, f) => (f === fine ? 1 : 0));
      expect(COARSE_TYPES[coarseProbs(onehot).indexOf(1)]).toBe(garmentTypeOfLabel(label));
    });
  });
});
